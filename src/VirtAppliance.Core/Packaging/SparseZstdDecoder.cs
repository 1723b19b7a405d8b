using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using VirtAppliance.Core.Internal;
using static VirtAppliance.Core.Packaging.PackageLayout;

namespace VirtAppliance.Core.Packaging;

/// <summary>
/// Reads a sparse-zstd stream, checking its structure record by record. It can restore the
/// content into a sparse file, compute the content digest, and capture the content's first bytes
/// (for image inspection) — each only when asked, so that a plain verify does not decompress.
/// Records decompress, hash and write on pool threads.
/// </summary>
internal sealed class SparseZstdDecoder
{
    // Compressed and restored bytes in flight, whatever the core count.
    private const long MaxBufferedBytes = 128L << 20;

    private readonly long expectedLength;
    private readonly SafeFileHandle? output;
    private readonly bool hashContent;
    private readonly byte[] head;
    private readonly int threads;

    /// <param name="expectedLength">The content length the manifest promises.</param>
    /// <param name="output">Where to restore the content (already sized), or null.</param>
    /// <param name="hashContent">Whether to compute the content digest (<see cref="ContentHash"/>).</param>
    /// <param name="headLength">How many leading content bytes to capture.</param>
    /// <param name="threads">Parallel decompressions.</param>
    public SparseZstdDecoder(long expectedLength, SafeFileHandle? output, bool hashContent, int headLength, int threads)
    {
        this.expectedLength = expectedLength;
        this.output = output;
        this.threads = Math.Max(1, threads);
        this.hashContent = hashContent;
        head = new byte[(int)Math.Min(headLength, expectedLength)];
    }

    /// <summary>The first content bytes (zeros where the stream has a hole).</summary>
    public byte[] Head => head;

    /// <summary>Decodes the whole stream; returns its stored digest, and the content digest when asked for one.</summary>
    /// <exception cref="InvalidDataException">The stream is malformed.</exception>
    public async Task<(byte[] Stored, byte[]? Content)> DecodeAsync(Stream input, Action<long>? progress, CancellationToken cancellationToken)
    {
        using var storedDigest = new StoredDigest();
        var header = new byte[SparseHeaderLength];
        await ReadExactlyAsync(input, header, "header", cancellationToken).ConfigureAwait(false);
        storedDigest.AppendStructure(header);
        if (!header.AsSpan(SparseMagicOffset, 4).SequenceEqual(SparseMagic))
            throw new InvalidDataException("sparse-zstd stream: bad magic");
        var version = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(SparseVersionOffset));
        var maxRecordLength = MaxRecordLengthOf(version);
        if (maxRecordLength == 0)
            throw new InvalidDataException($"sparse-zstd stream: unsupported version {version} (this virt-appliance reads versions {SparseVersion} and {SparseLargeRecordVersion})");
        var maxRuns = maxRecordLength / RunBlockLength;
        if (BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(SparseReservedOffset)) != 0)
            throw new InvalidDataException("sparse-zstd stream: the reserved header field is not zero");
        var length = BinaryPrimitives.ReadInt64BigEndian(header.AsSpan(SparseContentLengthOffset));
        if (length != expectedLength)
            throw new InvalidDataException($"sparse-zstd stream: content length {length} differs from the manifest's {expectedLength}");

        var decompress = output is not null || hashContent;
        using var contentHash = hashContent ? new ContentHash(length) : null;
        var pending = new Queue<Task<Restored>>();
        var recordHeader = new byte[RecordHeaderLength];
        var runBytes = new byte[maxRuns * RunLength];
        long next = 0;
        long buffered = 0;
        try
        {
            while (true)
            {
                await ReadExactlyAsync(input, recordHeader, "record header", cancellationToken).ConfigureAwait(false);
                var runCount = BinaryPrimitives.ReadInt32BigEndian(recordHeader.AsSpan(RecordRunCountOffset));
                var stored = BinaryPrimitives.ReadInt32BigEndian(recordHeader.AsSpan(RecordStoredLengthOffset));
                if (runCount == 0 && stored == 0)
                    break;
                if (runCount < 1 || runCount > maxRuns || stored < 1)
                    throw new InvalidDataException($"sparse-zstd stream: bad record after content offset {next} ({runCount} runs, {stored} stored bytes)");
                await ReadExactlyAsync(input, runBytes.AsMemory(0, runCount * RunLength), "record's runs", cancellationToken).ConfigureAwait(false);
                var runs = ParseRuns(runBytes.AsSpan(0, runCount * RunLength), length, maxRecordLength, ref next, out var raw);
                var structure = new byte[RecordHeaderLength + (runCount * RunLength)];
                recordHeader.CopyTo(structure, 0);
                runBytes.AsSpan(0, runCount * RunLength).CopyTo(structure.AsSpan(RecordHeaderLength));
                if (stored > raw)
                    throw new InvalidDataException($"sparse-zstd stream: the record at content offset {runs[0].Offset} stores {stored} bytes for {raw}");

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

                var restore = decompress || runs[0].Offset < head.Length;
                pending.Enqueue(Task.Run(() => RestoreAsync(structure, runs, raw, buffer, stored, restore, cancellationToken), cancellationToken));
                buffered += raw + stored;
                while (pending.Count >= threads * 2 || (pending.Count > 1 && buffered > MaxBufferedBytes))
                {
                    var done = await pending.Dequeue().ConfigureAwait(false);
                    buffered -= done.Buffered;
                    Complete(done, storedDigest, contentHash, progress);
                }
            }

            while (pending.Count > 0)
                Complete(await pending.Dequeue().ConfigureAwait(false), storedDigest, contentHash, progress);
        }
        finally
        {
            foreach (var task in pending)
            {
                try
                {
                    await task.ConfigureAwait(false);
                }
                catch (Exception e) when (e is InvalidDataException or OperationCanceledException or IOException)
                {
                    // Already reported by the first failure.
                }
            }
        }

        storedDigest.AppendStructure(recordHeader);
        if (await input.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) != 0)
            throw new InvalidDataException("sparse-zstd stream: bytes after the end record");

        progress?.Invoke(length);
        return (storedDigest.Finish(), contentHash?.Finish());
    }

    /// <summary>Checks a record's runs: in order, on 4 KiB boundaries, inside the content, no 4 MiB block shared with the record before.</summary>
    private static Run[] ParseRuns(ReadOnlySpan<byte> bytes, long length, int maxRecordLength, ref long next, out int raw)
    {
        var runs = new Run[bytes.Length / RunLength];
        long total = 0;
        for (var i = 0; i < runs.Length; i++)
        {
            var at = bytes.Slice(i * RunLength, RunLength);
            var offset = BinaryPrimitives.ReadInt64BigEndian(at[RunOffsetOffset..]);
            var runLength = BinaryPrimitives.ReadInt32BigEndian(at[RunLengthOffset..]);
            var splitsBlock = i == 0 && next > 0 && offset / ContentHash.BlockLength <= (next - 1) / ContentHash.BlockLength;
            if (offset < next || runLength < 1 || offset > length - runLength || offset % RunBlockLength != 0
                || (runLength % RunBlockLength != 0 && offset + runLength != length) || splitsBlock)
                throw new InvalidDataException($"sparse-zstd stream: bad run at content offset {offset} ({runLength} bytes)");
            total += runLength;
            if (total > maxRecordLength)
                throw new InvalidDataException($"sparse-zstd stream: the record at content offset {runs[0].Offset} holds more than {maxRecordLength} bytes");
            runs[i] = new Run(offset, runLength);
            next = offset + runLength;
        }

        raw = (int)total;
        return runs;
    }

    /// <summary>
    /// On a pool thread: hashes a record's stored pieces and, when restoring, decompresses it,
    /// writes its runs and hashes the content blocks they touch.
    /// </summary>
    private async Task<Restored> RestoreAsync(byte[] structure, Run[] runs, int raw, byte[] stored, int storedLength, bool restore, CancellationToken cancellationToken)
    {
        var firstBlock = runs[0].Offset / ContentHash.BlockLength;
        var end = runs[^1].Offset + runs[^1].Length;
        if (!restore)
        {
            var pieces = ContentHash.HashBlocks(stored.AsSpan(0, storedLength));
            ArrayPool<byte>.Shared.Return(stored);
            return new Restored(structure, firstBlock * ContentHash.BlockLength, end, pieces, [], raw + storedLength);
        }

        // Stored as it is from a block boundary to a block's end: the stored pieces are the content's blocks.
        var piecesAreBlocks = storedLength == raw && runs is [var only] && only.Offset % ContentHash.BlockLength == 0
            && (only.Length % ContentHash.BlockLength == 0 || end == expectedLength);
        var storedPieces = piecesAreBlocks && hashContent ? null : ContentHash.HashBlocks(stored.AsSpan(0, storedLength));
        var data = Decompress(runs[0].Offset, raw, stored, storedLength);
        try
        {
            var position = 0;
            foreach (var run in runs)
            {
                var content = data.AsMemory(position, run.Length);
                if (run.Offset < head.Length)
                {
                    var n = (int)Math.Min(head.Length - run.Offset, run.Length);
                    content.Span[..n].CopyTo(head.AsSpan((int)run.Offset));
                }

                if (output is not null)
                    await RandomAccess.WriteAsync(output, content, run.Offset, cancellationToken).ConfigureAwait(false);
                position += run.Length;
            }

            if (output is not null)
                Posix.StartWriteback(output, runs[0].Offset, end - runs[0].Offset);

            var digests = hashContent ? HashBlocks(runs, data, firstBlock) : [];
            return new Restored(structure, firstBlock * ContentHash.BlockLength, end, storedPieces ?? digests, digests, raw + storedLength);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    /// <summary>The digests of the blocks from <paramref name="firstBlock"/> to the last one the runs touch.</summary>
    private byte[] HashBlocks(Run[] runs, byte[] data, long firstBlock)
    {
        var lastBlock = (runs[^1].Offset + runs[^1].Length - 1) / ContentHash.BlockLength;
        var digests = new byte[(lastBlock - firstBlock + 1) * ContentHash.DigestLength];
        var dataStarts = new int[runs.Length]; // where each run's content begins in data
        for (var i = 1; i < runs.Length; i++)
            dataStarts[i] = dataStarts[i - 1] + runs[i - 1].Length;
        byte[]? assembly = null;
        try
        {
            var runIndex = 0;
            for (var block = firstBlock; block <= lastBlock; block++)
            {
                var blockStart = block * ContentHash.BlockLength;
                var blockLength = (int)Math.Min(ContentHash.BlockLength, expectedLength - blockStart);
                var digest = digests.AsSpan((int)(block - firstBlock) * ContentHash.DigestLength, ContentHash.DigestLength);
                var run = runs[runIndex];
                if (run.Offset >= blockStart + blockLength)
                {
                    // No run in this block (never the last one): all zeros.
                    ContentHash.ZeroBlockDigest.CopyTo(digest);
                    continue;
                }

                if (run.Offset <= blockStart && run.Offset + run.Length >= blockStart + blockLength)
                {
                    // One run covers the block: hash it where it lies.
                    ContentHash.HashBlocks(data.AsSpan(dataStarts[runIndex] + (int)(blockStart - run.Offset), blockLength)).CopyTo(digest);
                }
                else
                {
                    assembly ??= ArrayPool<byte>.Shared.Rent(ContentHash.BlockLength);
                    var view = assembly.AsSpan(0, blockLength);
                    view.Clear();
                    for (var i = runIndex; i < runs.Length && runs[i].Offset < blockStart + blockLength; i++)
                    {
                        var start = Math.Max(runs[i].Offset, blockStart);
                        var end = Math.Min(runs[i].Offset + runs[i].Length, blockStart + blockLength);
                        if (end > start)
                            data.AsSpan(dataStarts[i] + (int)(start - runs[i].Offset), (int)(end - start)).CopyTo(view[(int)(start - blockStart)..]);
                    }

                    ContentHash.HashBlocks(view).CopyTo(digest);
                }

                // Move past the runs that end in this block.
                while (runIndex < runs.Length - 1 && runs[runIndex].Offset + runs[runIndex].Length <= blockStart + blockLength)
                    runIndex++;
            }
        }
        finally
        {
            if (assembly is not null)
                ArrayPool<byte>.Shared.Return(assembly);
        }

        return digests;
    }

    /// <summary>The record's bytes; takes <paramref name="stored"/>: returns it as the data, or to the pool.</summary>
    private static byte[] Decompress(long offset, int raw, byte[] stored, int storedLength)
    {
        if (storedLength == raw)
            return stored;
        try
        {
            return ZstdRecord.Decompress("sparse-zstd", offset, raw, stored.AsSpan(0, storedLength), null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(stored);
        }
    }

    private static void Complete(Restored restored, StoredDigest storedDigest, ContentHash? contentHash, Action<long>? progress)
    {
        storedDigest.AppendStructure(restored.Structure);
        storedDigest.AppendPieces(restored.StoredPieces);
        contentHash?.Append(restored.BlockOffset, restored.Digests);
        progress?.Invoke(restored.End);
    }

    private static async Task ReadExactlyAsync(Stream input, Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        var n = await input.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (n != buffer.Length)
            throw new InvalidDataException($"sparse-zstd stream: truncated in a {what}");
    }

    private readonly record struct Run(long Offset, int Length);

    private sealed record Restored(byte[] Structure, long BlockOffset, long End, byte[] StoredPieces, byte[] Digests, long Buffered);
}
