using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace VirtAppliance.Core.Packaging;

/// <summary>
/// Content-defined chunking with a gear rolling hash (the scheme of FastCDC, casync and restic):
/// a chunk ends where the hash of the last bytes has its low bits zero, so an insertion moves only
/// the cuts next to it and the chunks after it are found again unchanged. Chunks never cross an
/// allocated extent of the file; holes are skipped; all-zero chunks are left out.
/// Hand-written: no package on the feed chunks a file by content (the delta packages of issue 16).
/// </summary>
internal static class ContentChunker
{
    public const int MinLength = 4 << 10;
    public const int MaxLength = 64 << 10;

    // 14 bits: a cut every 16 KiB on average after the minimum.
    private const ulong CutMask = (1UL << 14) - 1;
    private const int ReadLength = 8 << 20;

    private static readonly ulong[] Gear = CreateGear();

    /// <summary>A chunk: where it is and the SHA-256 of its bytes.</summary>
    public readonly record struct Chunk(long Offset, int Length, UInt128 DigestHead, UInt128 DigestTail);

    /// <summary>The non-zero chunks of the file's allocated extents, in order.</summary>
    public static List<Chunk> Split(SafeFileHandle file, long length, CancellationToken cancellationToken)
    {
        var chunks = new List<Chunk>();
        var buffer = ArrayPool<byte>.Shared.Rent(ReadLength + MaxLength);
        try
        {
            foreach (var (extentOffset, extentLength) in FileExtents.Find(file, length))
            {
                var end = Math.Min(length, extentOffset + extentLength);
                var position = extentOffset; // file offset of buffer[0]
                var filled = 0;
                var read = extentOffset;
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (read < end && filled < MaxLength)
                    {
                        var count = (int)Math.Min(ReadLength, end - read);
                        var n = RandomAccess.Read(file, buffer.AsSpan(filled, count), read);
                        if (n == 0)
                            throw new IOException($"the file shrank while it was read (at byte {read})");
                        filled += n;
                        read += n;
                    }

                    if (filled == 0)
                        break;
                    var start = 0;
                    while (filled - start >= MaxLength || (read >= end && filled > start))
                    {
                        var cut = FindCut(buffer.AsSpan(start, filled - start));
                        Add(chunks, buffer.AsSpan(start, cut), position + start);
                        start += cut;
                    }

                    buffer.AsSpan(start, filled - start).CopyTo(buffer);
                    position += start;
                    filled -= start;
                    if (read >= end && filled == 0)
                        break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return chunks;
    }

    /// <summary>The length of the chunk at the start of <paramref name="data"/>.</summary>
    internal static int FindCut(ReadOnlySpan<byte> data)
    {
        if (data.Length <= MinLength)
            return data.Length;
        var limit = Math.Min(data.Length, MaxLength);
        ulong hash = 0;
        var gear = Gear;
        for (var i = MinLength; i < limit; i++)
        {
            hash = (hash << 1) + gear[data[i]];
            if ((hash & CutMask) == 0)
                return i + 1;
        }

        return limit;
    }

    private static void Add(List<Chunk> chunks, ReadOnlySpan<byte> data, long offset)
    {
        if (!data.ContainsAnyExcept((byte)0))
            return;
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(data, digest);
        chunks.Add(new Chunk(offset, data.Length, System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(digest), System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(digest[16..])));
    }

    /// <summary>256 fixed pseudo-random words (SHA-256 of the byte value): the same cuts on every machine and run.</summary>
    private static ulong[] CreateGear()
    {
        var gear = new ulong[256];
        Span<byte> digest = stackalloc byte[32];
        for (var i = 0; i < 256; i++)
        {
            SHA256.HashData([(byte)i, (byte)'g', (byte)'e', (byte)'a', (byte)'r'], digest);
            gear[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(digest);
        }

        return gear;
    }
}
