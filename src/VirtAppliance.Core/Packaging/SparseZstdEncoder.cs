using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using ZstdSharp;
using static VirtAppliance.Core.Packaging.PackageLayout;

namespace VirtAppliance.Core.Packaging;

/// <summary>
/// Encodes a file as a sparse-zstd stream: only allocated, non-zero chunks are stored, each one
/// compressed on its own so that chunks compress in parallel and memory stays bounded.
/// </summary>
internal sealed class SparseZstdEncoder
{
    private const int SampleLength = 64 << 10;
    private readonly int level;
    private readonly int chunkLength;
    private readonly int threads;
    private readonly ConcurrentBag<Compressor> compressors = [];

    public SparseZstdEncoder(int level, int chunkLength, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkLength, HoleBlockLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunkLength, MaxChunkLength);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        this.level = level;
        this.chunkLength = chunkLength;
        this.threads = threads;
    }

    /// <summary>Writes the encoded stream to <paramref name="output"/> and returns the SHA-256 of the content when asked for it.</summary>
    public async Task<byte[]?> EncodeAsync(SafeFileHandle source, long length, Stream output, bool hashContent, Action<long>? progress, CancellationToken cancellationToken)
    {
        var header = new byte[SparseHeaderLength];
        SparseMagic.CopyTo(header.AsSpan(SparseMagicOffset));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(SparseVersionOffset), SparseVersion);
        BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(SparseContentLengthOffset), length);
        await output.WriteAsync(header, cancellationToken).ConfigureAwait(false);

        using var contentHash = hashContent ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;

        // Three stages overlap: this loop reads, one task chain hashes the content in order
        // (holes included, the slow part for big sparse disks), pool threads compress. Every
        // chunk, zero or not, waits in the bounded queue, which bounds the buffers in use.
        var pending = new Queue<Task<Chunk?>>();
        var maxInFlight = threads * 2;
        var hashing = Task.CompletedTask;
        long hashed = 0;
        try
        {
            foreach (var (extentOffset, extentLength) in FileExtents.Find(source, length))
            {
                var end = extentOffset + extentLength;
                for (var position = extentOffset; position < end; position += chunkLength)
                {
                    var count = (int)Math.Min(chunkLength, end - position);
                    var buffer = ArrayPool<byte>.Shared.Rent(chunkLength);
                    await ReadExactlyAsync(source, buffer.AsMemory(0, count), position, cancellationToken).ConfigureAwait(false);

                    var gap = position - hashed;
                    hashed = position + count;
                    if (contentHash is not null)
                    {
                        var previous = hashing;
                        hashing = Task.Run(async () =>
                        {
                            await previous.ConfigureAwait(false);
                            ZeroHash.Append(contentHash, gap);
                            contentHash.AppendData(buffer, 0, count);
                        }, cancellationToken);
                    }

                    progress?.Invoke(hashed);
                    var offset = position;
                    var chunkHashed = hashing;
                    pending.Enqueue(buffer.AsSpan(0, count).ContainsAnyExcept((byte)0)
                        ? CompressAfterAsync(chunkHashed, Task.Run(() => Compress(buffer, count, offset), cancellationToken))
                        : ReleaseAfterAsync(chunkHashed, buffer));
                    while (pending.Count >= maxInFlight)
                        await WriteChunkAsync(output, await pending.Dequeue().ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                }
            }

            while (pending.Count > 0)
                await WriteChunkAsync(output, await pending.Dequeue().ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            await hashing.ConfigureAwait(false);
        }
        finally
        {
            foreach (var task in pending)
            {
                try
                {
                    (await task.ConfigureAwait(false))?.Release();
                }
                catch (OperationCanceledException)
                {
                    // The chunk never ran; its buffer stays with the pool's garbage collector.
                }
            }

            // The hash must not be disposed under a running chain.
            await hashing.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
            foreach (var compressor in compressors)
                compressor.Dispose();
        }

        if (contentHash is not null)
            ZeroHash.Append(contentHash, length - hashed);
        progress?.Invoke(length);
        var endRecord = new byte[RecordHeaderLength];
        BinaryPrimitives.WriteInt64BigEndian(endRecord.AsSpan(RecordOffsetOffset), length);
        await output.WriteAsync(endRecord, cancellationToken).ConfigureAwait(false);
        return contentHash?.GetHashAndReset();
    }

    private static async Task<Chunk?> CompressAfterAsync(Task hashing, Task<Chunk> compressing)
    {
        // The raw buffer goes back to the pool only after both the hash and the compressor are done with it.
        await hashing.ConfigureAwait(false);
        return await compressing.ConfigureAwait(false);
    }

    private static async Task<Chunk?> ReleaseAfterAsync(Task hashing, byte[] buffer)
    {
        try
        {
            await hashing.ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return null;
    }

    private Chunk Compress(byte[] raw, int count, long offset)
    {
        if (!compressors.TryTake(out var compressor))
            compressor = new Compressor(level);
        try
        {
            var bound = Compressor.GetCompressBound(count);
            var compressed = ArrayPool<byte>.Shared.Rent(bound);
            if (count > 4 * SampleLength)
            {
                // Random or already-compressed data (encrypted volumes, media) costs a full zstd pass
                // for nothing; samples from start, middle and end decide, as btrfs does.
                var incompressible = true;
                foreach (var start in (ReadOnlySpan<int>)[0, (count / 2) - (SampleLength / 2), count - SampleLength])
                {
                    if (compressor.Wrap(raw.AsSpan(start, SampleLength), compressed) <= SampleLength * 97 / 100)
                    {
                        incompressible = false;
                        break;
                    }
                }

                if (incompressible)
                {
                    ArrayPool<byte>.Shared.Return(compressed);
                    return new Chunk(offset, count, raw, count, null);
                }
            }

            var stored = compressor.Wrap(raw.AsSpan(0, count), compressed);
            if (stored >= count)
            {
                // Incompressible: store as is, marked by stored length == raw length.
                ArrayPool<byte>.Shared.Return(compressed);
                return new Chunk(offset, count, raw, count, null);
            }

            return new Chunk(offset, count, compressed, stored, raw);
        }
        finally
        {
            compressors.Add(compressor);
        }
    }

    private static async Task WriteChunkAsync(Stream output, Chunk? chunk, CancellationToken cancellationToken)
    {
        if (chunk is null)
            return;
        try
        {
            var header = new byte[RecordHeaderLength];
            BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(RecordOffsetOffset), chunk.Offset);
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(RecordRawLengthOffset), chunk.RawLength);
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(RecordStoredLengthOffset), chunk.StoredLength);
            await output.WriteAsync(header, cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(chunk.Stored.AsMemory(0, chunk.StoredLength), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            chunk.Release();
        }
    }

    internal static async Task ReadExactlyAsync(SafeFileHandle handle, Memory<byte> buffer, long offset, CancellationToken cancellationToken)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var n = await RandomAccess.ReadAsync(handle, buffer[done..], offset + done, cancellationToken).ConfigureAwait(false);
            if (n == 0)
                throw new IOException($"the file shrank while it was read (at byte {offset + done})");
            done += n;
        }
    }

    private sealed record Chunk(long Offset, int RawLength, byte[] Stored, int StoredLength, byte[]? Raw)
    {
        public void Release()
        {
            ArrayPool<byte>.Shared.Return(Stored);
            if (Raw is not null)
                ArrayPool<byte>.Shared.Return(Raw);
        }
    }
}
