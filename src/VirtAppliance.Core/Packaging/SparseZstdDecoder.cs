using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using ZstdSharp;
using static VirtAppliance.Core.Packaging.PackageLayout;

namespace VirtAppliance.Core.Packaging;

/// <summary>
/// Reads a sparse-zstd stream, checking its structure record by record. It can restore the
/// content into a sparse file, hash the content, and capture the content's first bytes (for
/// image inspection) — each only when asked, so that a plain verify does not decompress.
/// </summary>
internal sealed class SparseZstdDecoder
{
    private readonly long expectedLength;
    private readonly SafeFileHandle? output;
    private readonly IncrementalHash? contentHash;
    private readonly byte[] head;
    private readonly int threads;
    private long hashed;

    /// <param name="expectedLength">The content length the manifest promises.</param>
    /// <param name="output">Where to restore the content (already sized), or null.</param>
    /// <param name="hashContent">Whether to compute the SHA-256 of the content.</param>
    /// <param name="headLength">How many leading content bytes to capture.</param>
    /// <param name="threads">Parallel decompressions.</param>
    public SparseZstdDecoder(long expectedLength, SafeFileHandle? output, bool hashContent, int headLength, int threads)
    {
        this.expectedLength = expectedLength;
        this.output = output;
        this.threads = Math.Max(1, threads);
        contentHash = hashContent ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        head = new byte[(int)Math.Min(headLength, expectedLength)];
    }

    /// <summary>The first content bytes (zeros where the stream has a hole).</summary>
    public byte[] Head => head;

    /// <summary>Decodes the whole stream; returns the content hash when asked for one.</summary>
    /// <exception cref="InvalidDataException">The stream is malformed.</exception>
    public async Task<byte[]?> DecodeAsync(Stream input, Action<long>? progress, CancellationToken cancellationToken)
    {
        var header = new byte[SparseHeaderLength];
        await ReadExactlyAsync(input, header, "header", cancellationToken).ConfigureAwait(false);
        if (!header.AsSpan(SparseMagicOffset, 4).SequenceEqual(SparseMagic))
            throw new InvalidDataException("sparse-zstd stream: bad magic");
        var version = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(SparseVersionOffset));
        if (version != SparseVersion || BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(SparseReservedOffset)) != 0)
            throw new InvalidDataException($"sparse-zstd stream: unsupported version {version}");
        var length = BinaryPrimitives.ReadInt64BigEndian(header.AsSpan(SparseContentLengthOffset));
        if (length != expectedLength)
            throw new InvalidDataException($"sparse-zstd stream: content length {length} differs from the manifest's {expectedLength}");

        var decompress = output is not null || contentHash is not null;
        var pending = new Queue<Task<Chunk>>();
        var record = new byte[RecordHeaderLength];
        long next = 0;
        try
        {
            while (true)
            {
                await ReadExactlyAsync(input, record, "record header", cancellationToken).ConfigureAwait(false);
                var offset = BinaryPrimitives.ReadInt64BigEndian(record.AsSpan(RecordOffsetOffset));
                var raw = BinaryPrimitives.ReadInt32BigEndian(record.AsSpan(RecordRawLengthOffset));
                var stored = BinaryPrimitives.ReadInt32BigEndian(record.AsSpan(RecordStoredLengthOffset));
                if (raw == 0 && stored == 0 && offset == length)
                    break;
                if (offset < next || raw <= 0 || raw > MaxChunkLength || stored <= 0 || stored > raw || offset > length - raw)
                    throw new InvalidDataException($"sparse-zstd stream: bad record at content offset {offset} (raw {raw}, stored {stored})");
                next = offset + raw;

                var buffer = ArrayPool<byte>.Shared.Rent(stored);
                try
                {
                    await ReadExactlyAsync(input, buffer.AsMemory(0, stored), "record data", cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }

                if (!decompress && offset >= head.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    continue;
                }

                pending.Enqueue(Task.Run(() => Decompress(offset, raw, buffer, stored), cancellationToken));
                while (pending.Count >= threads * 2)
                    await CompleteAsync(await pending.Dequeue().ConfigureAwait(false), progress, cancellationToken).ConfigureAwait(false);
            }

            while (pending.Count > 0)
                await CompleteAsync(await pending.Dequeue().ConfigureAwait(false), progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var task in pending)
            {
                try
                {
                    ArrayPool<byte>.Shared.Return((await task.ConfigureAwait(false)).Data);
                }
                catch (Exception e) when (e is InvalidDataException or OperationCanceledException)
                {
                    // Already reported by the first failure.
                }
            }
        }

        if (await input.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) != 0)
            throw new InvalidDataException("sparse-zstd stream: bytes after the end record");

        if (contentHash is null)
            return null;
        ZeroHash.Append(contentHash, length - hashed);
        progress?.Invoke(length);
        return contentHash.GetHashAndReset();
    }

    private static Chunk Decompress(long offset, int raw, byte[] stored, int storedLength)
    {
        if (storedLength == raw)
            return new Chunk(offset, raw, stored);
        var data = ArrayPool<byte>.Shared.Rent(raw);
        try
        {
            using var decompressor = new Decompressor();
            int written;
            try
            {
                written = decompressor.Unwrap(stored.AsSpan(0, storedLength), data.AsSpan(0, raw));
            }
            catch (ZstdException e)
            {
                throw new InvalidDataException($"sparse-zstd stream: the chunk at content offset {offset} does not decompress ({e.Message})", e);
            }

            if (written != raw)
                throw new InvalidDataException($"sparse-zstd stream: the chunk at content offset {offset} holds {written} bytes, {raw} announced");
            return new Chunk(offset, raw, data);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(data);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(stored);
        }
    }

    private async Task CompleteAsync(Chunk chunk, Action<long>? progress, CancellationToken cancellationToken)
    {
        try
        {
            var data = chunk.Data.AsMemory(0, chunk.Length);
            if (chunk.Offset < head.Length)
            {
                var n = (int)Math.Min(head.Length - chunk.Offset, chunk.Length);
                data.Span[..n].CopyTo(head.AsSpan((int)chunk.Offset));
            }

            if (contentHash is not null)
            {
                ZeroHash.Append(contentHash, chunk.Offset - hashed);
                contentHash.AppendData(data.Span);
                hashed = chunk.Offset + chunk.Length;
            }

            if (output is not null)
                await WriteSkippingZerosAsync(output, data, chunk.Offset, cancellationToken).ConfigureAwait(false);
            progress?.Invoke(chunk.Offset + chunk.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk.Data);
        }
    }

    /// <summary>Writes only the non-zero blocks so that the restored file stays as sparse as the content allows.</summary>
    private static async Task WriteSkippingZerosAsync(SafeFileHandle file, ReadOnlyMemory<byte> data, long offset, CancellationToken cancellationToken)
    {
        var start = -1;
        for (var block = 0; block < data.Length; block += HoleBlockLength)
        {
            var n = Math.Min(HoleBlockLength, data.Length - block);
            var zero = !data.Span.Slice(block, n).ContainsAnyExcept((byte)0);
            if (!zero && start < 0)
                start = block;
            else if (zero && start >= 0)
            {
                await RandomAccess.WriteAsync(file, data[start..block], offset + start, cancellationToken).ConfigureAwait(false);
                start = -1;
            }
        }

        if (start >= 0)
            await RandomAccess.WriteAsync(file, data[start..], offset + start, cancellationToken).ConfigureAwait(false);
    }

    private static async Task ReadExactlyAsync(Stream input, Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        var n = await input.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (n != buffer.Length)
            throw new InvalidDataException($"sparse-zstd stream: truncated in a {what}");
    }

    private readonly record struct Chunk(long Offset, int Length, byte[] Data);
}
