using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Numerics;
using Microsoft.Win32.SafeHandles;
using ZstdNet;
using static VirtAppliance.Core.Packaging.PackageLayout;

namespace VirtAppliance.Core.Packaging;

/// <summary>
/// Encodes a file as a sparse-zstd stream. The file is read in chunks on chunk-length
/// boundaries, skipping holes; pool threads hash each chunk's blocks and squeeze out its all-zero
/// 4 KiB blocks, leaving runs of data. A chunk that is mostly data becomes a record of its own,
/// compressed on its pool thread; sparse chunks (file system metadata scattered over a big disk)
/// are gathered into shared records so that zstd sees their similarities, as tar | zstd would.
/// Memory stays bounded whatever the disk size or core count.
/// </summary>
internal sealed class SparseZstdEncoder : IDisposable
{
    private const int SampleLength = 64 << 10;

    // Raw and compressed buffers in flight, whatever the core count: keeps pack under its memory budget
    // (but two records are always in flight, so 64 MiB records take about 300 MiB).
    private const long MaxBufferedBytes = 128L << 20;

    private readonly CompressionOptions options;
    private readonly int chunkLength;
    private readonly int threads;
    private readonly ConcurrentBag<Compressor> compressors = [];

    /// <param name="level">zstd level.</param>
    /// <param name="chunkLength">Content bytes per record.</param>
    /// <param name="threads">Records compressed at once.</param>
    /// <param name="longDistance">zstd's long-distance matching with a window of the whole record (measured: 6.6 % smaller at level 3 in 16 MiB records, see bench/RESULTS.md).</param>
    public SparseZstdEncoder(int level, int chunkLength, int threads, bool longDistance = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkLength, ContentHash.BlockLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunkLength, MaxLargeRecordLength);
        if (chunkLength % ContentHash.BlockLength != 0)
            throw new ArgumentOutOfRangeException(nameof(chunkLength), chunkLength, $"a chunk is a whole number of {ContentHash.BlockLength}-byte blocks");
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        // The window covers the whole record, which never exceeds 64 MiB: under the 128 MiB window every
        // zstd decoder accepts by default.
        options = longDistance
            ? new CompressionOptions(null, new Dictionary<ZSTD_cParameter, int>
            {
                [ZSTD_cParameter.ZSTD_c_enableLongDistanceMatching] = 1,
                [ZSTD_cParameter.ZSTD_c_windowLog] = BitOperations.Log2((uint)chunkLength) + (BitOperations.IsPow2(chunkLength) ? 0 : 1),
            }, level)
            : new CompressionOptions(level);
        this.chunkLength = chunkLength;
        this.threads = threads;
    }

    /// <summary>Writes the encoded stream to <paramref name="output"/>; returns its digests and length.</summary>
    public async Task<EncodedFile> EncodeAsync(SafeFileHandle source, long length, Stream output, Action<long>? progress, CancellationToken cancellationToken)
    {
        var header = new byte[SparseHeaderLength];
        SparseMagic.CopyTo(header.AsSpan(SparseMagicOffset));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(SparseVersionOffset), SparseVersionFor(chunkLength));
        BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(SparseContentLengthOffset), length);
        using var digesting = new DigestingOutput(output);
        await digesting.WriteAsync(header, cancellationToken).ConfigureAwait(false);

        using var contentHash = new ContentHash(length);
        var pending = new Queue<Task<Chunk>>();
        var maxInFlight = (int)Math.Clamp(threads * 2, 2, Math.Max(2, MaxBufferedBytes / (3L * chunkLength)));
        var gathered = new Gathered(chunkLength);
        try
        {
            foreach (var offset in ChunkOffsets(FileExtents.Find(source, length), length))
            {
                var count = (int)Math.Min(chunkLength, length - offset);
                var buffer = ArrayPool<byte>.Shared.Rent(count);
                await ReadExactlyAsync(source, buffer.AsMemory(0, count), offset, cancellationToken).ConfigureAwait(false);
                progress?.Invoke(offset + count);
                pending.Enqueue(Task.Run(() => Prepare(buffer, count, offset), cancellationToken));
                while (pending.Count >= maxInFlight)
                    await ConsumeAsync(digesting, contentHash, gathered, await pending.Dequeue().ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            }

            while (pending.Count > 0)
                await ConsumeAsync(digesting, contentHash, gathered, await pending.Dequeue().ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            await FlushGatheredAsync(digesting, gathered, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var task in pending)
            {
                try
                {
                    (await task.ConfigureAwait(false)).Release();
                }
                catch (OperationCanceledException)
                {
                    // The chunk never ran; its buffer stays with the pool's garbage collector.
                }
            }

            gathered.Dispose();
            while (compressors.TryTake(out var compressor))
                compressor.Dispose();
        }

        progress?.Invoke(length);
        await digesting.WriteAsync(new byte[RecordHeaderLength], cancellationToken).ConfigureAwait(false);
        return new EncodedFile(contentHash.Finish(), digesting.Finish(), digesting.Length);
    }

    /// <summary>The start of every chunk that overlaps an allocated extent, in order.</summary>
    private IEnumerable<long> ChunkOffsets(List<(long Offset, long Length)> extents, long length)
    {
        var next = 0L;
        foreach (var (extentOffset, extentLength) in extents)
        {
            var first = Math.Max(next, extentOffset / chunkLength * chunkLength);
            for (var offset = first; offset < extentOffset + extentLength && offset < length; offset += chunkLength)
            {
                yield return offset;
                next = offset + chunkLength;
            }
        }
    }

    /// <summary>
    /// On a pool thread: finds the runs of non-zero 4 KiB blocks, hashes the 4 MiB blocks (those
    /// without a run are zero), moves the runs to the buffer's front, and compresses a mostly-data chunk.
    /// </summary>
    private Chunk Prepare(byte[] buffer, int count, long offset)
    {
        var runs = new List<Run>();
        for (var block = 0; block < count;)
        {
            var end = block;
            while (end < count && buffer.AsSpan(end, Math.Min(RunBlockLength, count - end)).ContainsAnyExcept((byte)0))
                end += Math.Min(RunBlockLength, count - end);
            if (end > block)
            {
                runs.Add(new Run(offset + block, end - block));
                block = end;
            }
            else
            {
                block += RunBlockLength;
            }
        }

        if (runs.Count == 0)
            return new Chunk(offset, [], runs, buffer, 0);

        var zeroBlocks = new bool[ContentHash.BlockCount(count)];
        zeroBlocks.AsSpan().Fill(true);
        foreach (var run in runs)
        {
            for (var block = (int)((run.Offset - offset) / ContentHash.BlockLength); block <= (int)((run.Offset - offset + run.Length - 1) / ContentHash.BlockLength); block++)
                zeroBlocks[block] = false;
        }

        var digests = ContentHash.HashBlocks(buffer.AsSpan(0, count), zeroBlocks);
        var dataLength = 0;
        foreach (var run in runs)
        {
            var start = (int)(run.Offset - offset);
            if (start != dataLength)
                buffer.AsSpan(start, run.Length).CopyTo(buffer.AsSpan(dataLength));
            dataLength += run.Length;
        }

        var chunk = new Chunk(offset, digests, runs, buffer, dataLength);
        if (dataLength >= chunkLength / 2)
        {
            var stored = Compress(buffer, dataLength);

            // Stored as it is and the whole chunk: the stored bytes' pieces are the content's blocks, hashed already.
            var pieces = ReferenceEquals(stored.Bytes, buffer) && runs is [var run] && run.Length == count
                ? digests
                : ContentHash.HashBlocks(stored.Bytes.AsSpan(0, stored.Length));
            chunk.Stored = stored with { Pieces = pieces };
        }

        return chunk;
    }

    private async Task ConsumeAsync(DigestingOutput output, ContentHash contentHash, Gathered gathered, Chunk chunk, CancellationToken cancellationToken)
    {
        try
        {
            if (chunk.Runs.Count == 0)
                return; // all zeros: the content hash counts skipped blocks as zero
            contentHash.Append(chunk.Offset, chunk.Digests);
            if (chunk.Stored is { } stored)
            {
                await FlushGatheredAsync(output, gathered, cancellationToken).ConfigureAwait(false);
                await WriteRecordAsync(output, chunk.Runs, stored, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (!gathered.Fits(chunk))
                await FlushGatheredAsync(output, gathered, cancellationToken).ConfigureAwait(false);
            gathered.Add(chunk);
        }
        finally
        {
            chunk.Release();
        }
    }

    private async Task FlushGatheredAsync(DigestingOutput output, Gathered gathered, CancellationToken cancellationToken)
    {
        if (gathered.Runs.Count == 0)
            return;
        var stored = Compress(gathered.Data, gathered.Length);
        try
        {
            stored = stored with { Pieces = ContentHash.HashBlocks(stored.Bytes.AsSpan(0, stored.Length)) };
            await WriteRecordAsync(output, gathered.Runs, stored, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!ReferenceEquals(stored.Bytes, gathered.Data))
                ArrayPool<byte>.Shared.Return(stored.Bytes);
            gathered.Clear();
        }
    }

    /// <summary>zstd-compresses the data, or keeps it as it is when that would not make it smaller.</summary>
    private Stored Compress(byte[] raw, int count)
    {
        if (!compressors.TryTake(out var compressor))
            compressor = new Compressor(options);
        try
        {
            var compressed = ArrayPool<byte>.Shared.Rent(Compressor.GetCompressBound(count));
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
                    return new Stored(raw, count, []);
                }
            }

            var length = compressor.Wrap(raw.AsSpan(0, count), compressed);
            if (length >= count)
            {
                ArrayPool<byte>.Shared.Return(compressed);
                return new Stored(raw, count, []);
            }

            return new Stored(compressed, length, []);
        }
        finally
        {
            compressors.Add(compressor);
        }
    }

    private static async Task WriteRecordAsync(DigestingOutput output, List<Run> runs, Stored stored, CancellationToken cancellationToken)
    {
        var header = new byte[RecordHeaderLength + (runs.Count * RunLength)];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(RecordRunCountOffset), runs.Count);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(RecordStoredLengthOffset), stored.Length);
        for (var i = 0; i < runs.Count; i++)
        {
            var at = header.AsSpan(RecordHeaderLength + (i * RunLength));
            BinaryPrimitives.WriteInt64BigEndian(at[RunOffsetOffset..], runs[i].Offset);
            BinaryPrimitives.WriteInt32BigEndian(at[RunLengthOffset..], runs[i].Length);
        }

        await output.WriteAsync(header, cancellationToken).ConfigureAwait(false);
        await output.WriteStoredAsync(stored.Bytes.AsMemory(0, stored.Length), stored.Pieces, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => options.Dispose();

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

    private readonly record struct Run(long Offset, int Length);

    /// <summary>Writes the stream and takes its stored digest and length on the way.</summary>
    private sealed class DigestingOutput(Stream output) : IDisposable
    {
        private readonly StoredDigest digest = new();

        public long Length { get; private set; }

        public async Task WriteAsync(ReadOnlyMemory<byte> structure, CancellationToken cancellationToken)
        {
            digest.AppendStructure(structure.Span);
            Length += structure.Length;
            await output.WriteAsync(structure, cancellationToken).ConfigureAwait(false);
        }

        public async Task WriteStoredAsync(ReadOnlyMemory<byte> stored, byte[] pieces, CancellationToken cancellationToken)
        {
            digest.AppendPieces(pieces);
            Length += stored.Length;
            await output.WriteAsync(stored, cancellationToken).ConfigureAwait(false);
        }

        public byte[] Finish() => digest.Finish();

        public void Dispose() => digest.Dispose();
    }

    /// <summary>A record's stored bytes and the digests of their 4 MiB pieces.</summary>
    private readonly record struct Stored(byte[] Bytes, int Length, byte[] Pieces);

    private sealed class Chunk(long offset, byte[] digests, List<Run> runs, byte[] data, int dataLength)
    {
        public long Offset => offset;

        public byte[] Digests => digests;

        public List<Run> Runs => runs;

        public byte[] Data => data;

        public int DataLength => dataLength;

        /// <summary>The compressed record, for a chunk that is mostly data.</summary>
        public Stored? Stored { get; set; }

        public void Release()
        {
            if (Stored is { } stored && !ReferenceEquals(stored.Bytes, data))
                ArrayPool<byte>.Shared.Return(stored.Bytes);
            Stored = null;
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    /// <summary>The runs of sparse chunks waiting to share one record.</summary>
    private sealed class Gathered(int capacity) : IDisposable
    {
        private byte[]? data;

        public List<Run> Runs { get; } = [];

        public int Length { get; private set; }

        public byte[] Data => data ??= ArrayPool<byte>.Shared.Rent(capacity);

        public bool Fits(Chunk chunk) => Length + chunk.DataLength <= capacity && Runs.Count + chunk.Runs.Count <= capacity / RunBlockLength;

        public void Add(Chunk chunk)
        {
            chunk.Data.AsSpan(0, chunk.DataLength).CopyTo(Data.AsSpan(Length));
            foreach (var run in chunk.Runs)
            {
                // Runs that touch across a chunk boundary become one.
                if (Runs.Count > 0 && Runs[^1].Offset + Runs[^1].Length == run.Offset)
                    Runs[^1] = Runs[^1] with { Length = Runs[^1].Length + run.Length };
                else
                    Runs.Add(run);
            }

            Length += chunk.DataLength;
        }

        public void Clear()
        {
            Runs.Clear();
            Length = 0;
        }

        public void Dispose()
        {
            if (data is not null)
                ArrayPool<byte>.Shared.Return(data);
            data = null;
        }
    }
}
