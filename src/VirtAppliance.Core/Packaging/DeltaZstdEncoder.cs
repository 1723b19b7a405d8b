using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using ZstdNet;
using static VirtAppliance.Core.Packaging.PackageLayout;

namespace VirtAppliance.Core.Packaging;

/// <summary>
/// Encodes a file as a delta-zstd stream against a base file: both are cut into content-defined
/// chunks (<see cref="ContentChunker"/>); a chunk the base holds becomes a copy from the base, any
/// other chunk is new data, gathered into records and zstd-compressed on every core.
/// </summary>
internal sealed class DeltaZstdEncoder(int level, int threads)
{
    private const int RecordDataLength = 8 << 20;
    private const long RecordCopyLength = 64L << 20;

    /// <summary>Writes the stream; returns its digests and length. <paramref name="baseFile"/> null: everything is new.</summary>
    public async Task<EncodedFile> EncodeAsync(string source, string? baseFile, Stream output, Action<long>? progress, CancellationToken cancellationToken)
    {
        using var handle = File.OpenHandle(source, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        var length = RandomAccess.GetLength(handle);
        var contentDigest = ContentHash.ComputeFileAsync(source, cancellationToken);
        var baseIndex = Task.Run(() => IndexBase(baseFile, cancellationToken), cancellationToken);
        var chunks = await Task.Run(() => ContentChunker.Split(handle, length, cancellationToken), cancellationToken).ConfigureAwait(false);
        var records = Plan(chunks, await baseIndex.ConfigureAwait(false));

        var header = new byte[DeltaHeaderLength];
        DeltaMagic.CopyTo(header.AsSpan(DeltaMagicOffset));
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(DeltaVersionOffset), DeltaVersion);
        BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(DeltaContentLengthOffset), length);
        using var storedDigest = new StoredDigest();
        long storedLength = 0;
        async Task WriteStructureAsync(byte[] bytes)
        {
            storedDigest.AppendStructure(bytes);
            storedLength += bytes.Length;
            await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }

        await WriteStructureAsync(header).ConfigureAwait(false);
        var pending = new Queue<Task<(List<Op> Ops, byte[] Stored, int StoredLength, byte[] Pieces)>>();
        using var baseHandle = baseFile is null ? null : File.OpenHandle(baseFile, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            foreach (var ops in records)
            {
                pending.Enqueue(Task.Run(() => Compress(handle, baseHandle, ops, level), cancellationToken));
                while (pending.Count >= Math.Max(2, threads * 2))
                    await WriteRecordAsync(await pending.Dequeue().ConfigureAwait(false)).ConfigureAwait(false);
            }

            while (pending.Count > 0)
                await WriteRecordAsync(await pending.Dequeue().ConfigureAwait(false)).ConfigureAwait(false);
        }
        finally
        {
            foreach (var task in pending)
                await task.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
        }

        await WriteStructureAsync(new byte[RecordHeaderLength]).ConfigureAwait(false);
        progress?.Invoke(length);
        return new EncodedFile(await contentDigest.ConfigureAwait(false), storedDigest.Finish(), storedLength);

        async Task WriteRecordAsync((List<Op> Ops, byte[] Stored, int StoredLength, byte[] Pieces) record)
        {
            try
            {
                var structure = new byte[RecordHeaderLength + (record.Ops.Count * DeltaOpLength)];
                BinaryPrimitives.WriteInt32BigEndian(structure.AsSpan(RecordRunCountOffset), record.Ops.Count);
                BinaryPrimitives.WriteInt32BigEndian(structure.AsSpan(RecordStoredLengthOffset), record.StoredLength);
                for (var i = 0; i < record.Ops.Count; i++)
                {
                    var at = structure.AsSpan(RecordHeaderLength + (i * DeltaOpLength));
                    BinaryPrimitives.WriteInt64BigEndian(at[DeltaOpOffsetOffset..], record.Ops[i].Offset);
                    BinaryPrimitives.WriteInt32BigEndian(at[DeltaOpLengthOffset..], record.Ops[i].Length);
                    BinaryPrimitives.WriteUInt64BigEndian(at[DeltaOpSourceOffset..], record.Ops[i].Source);
                }

                await WriteStructureAsync(structure).ConfigureAwait(false);
                storedDigest.AppendPieces(record.Pieces);
                storedLength += record.StoredLength;
                await output.WriteAsync(record.Stored.AsMemory(0, record.StoredLength), cancellationToken).ConfigureAwait(false);
                progress?.Invoke(record.Ops[^1].Offset + record.Ops[^1].Length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(record.Stored);
            }
        }
    }

    private static Dictionary<(UInt128, UInt128), long> IndexBase(string? baseFile, CancellationToken cancellationToken)
    {
        var index = new Dictionary<(UInt128, UInt128), long>();
        if (baseFile is null)
            return index;
        using var handle = File.OpenHandle(baseFile, FileMode.Open, FileAccess.Read, FileShare.Read);
        foreach (var chunk in ContentChunker.Split(handle, RandomAccess.GetLength(handle), cancellationToken))
            index.TryAdd((chunk.DigestHead, chunk.DigestTail), chunk.Offset);
        return index;
    }

    /// <summary>Turns chunks into ops (neighbouring copies and data merged) grouped into records.</summary>
    private static List<List<Op>> Plan(List<ContentChunker.Chunk> chunks, Dictionary<(UInt128, UInt128), long> baseIndex)
    {
        var ops = new List<Op>();
        foreach (var chunk in chunks)
        {
            var source = baseIndex.TryGetValue((chunk.DigestHead, chunk.DigestTail), out var baseOffset) ? (ulong)baseOffset : DeltaDataSource;
            if (ops.Count > 0 && ops[^1] is var last && last.Offset + last.Length == chunk.Offset
                && (source == DeltaDataSource ? last.Source == DeltaDataSource : last.Source != DeltaDataSource && last.Source + (ulong)last.Length == source)
                && last.Length + chunk.Length <= MaxRecordLength)
                ops[^1] = last with { Length = last.Length + chunk.Length };
            else
                ops.Add(new Op(chunk.Offset, chunk.Length, source));
        }

        var records = new List<List<Op>>();
        var current = new List<Op>();
        long data = 0, copied = 0;
        foreach (var op in ops)
        {
            var isData = op.Source == DeltaDataSource;
            if (current.Count == MaxRunsPerRecord || (isData && data + op.Length > RecordDataLength && data > 0) || (!isData && copied + op.Length > RecordCopyLength && copied > 0))
            {
                records.Add(current);
                current = [];
                data = copied = 0;
            }

            current.Add(op);
            if (isData)
                data += op.Length;
            else
                copied += op.Length;
        }

        if (current.Count > 0)
            records.Add(current);
        return records;
    }

    /// <summary>
    /// On a pool thread: reads a record's new data and compresses it (or keeps it as it is when that is
    /// not smaller). With a base file, the dictionary is the base's bytes at the same offsets
    /// (<see cref="BaseDictionary"/>): a block changed in place compresses against its old self, as
    /// zstd --patch-from would find it.
    /// </summary>
    private static (List<Op> Ops, byte[] Stored, int StoredLength, byte[] Pieces) Compress(SafeFileHandle handle, SafeFileHandle? baseHandle, List<Op> ops, int level)
    {
        var total = ops.Where(op => op.Source == DeltaDataSource).Sum(op => op.Length);
        if (total == 0)
            return (ops, ArrayPool<byte>.Shared.Rent(1), 0, []);
        byte[]? raw = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            var at = 0;
            foreach (var op in ops.Where(op => op.Source == DeltaDataSource))
            {
                for (var done = 0; done < op.Length;)
                {
                    var n = RandomAccess.Read(handle, raw.AsSpan(at + done, op.Length - done), op.Offset + done);
                    done += n > 0 ? n : throw new IOException($"the file shrank while it was read (at byte {op.Offset + done})");
                }

                at += op.Length;
            }

            using var options = baseHandle is null ? new CompressionOptions(level) : new CompressionOptions(BaseDictionary(baseHandle, ops, total), level);
            using var compressor = new Compressor(options);
            var compressed = ArrayPool<byte>.Shared.Rent(Compressor.GetCompressBound(total));
            var length = compressor.Wrap(raw.AsSpan(0, total), compressed);
            if (length >= total)
            {
                ArrayPool<byte>.Shared.Return(compressed);
                var kept = raw;
                raw = null;
                return (ops, kept, total, ContentHash.HashBlocks(kept.AsSpan(0, total)));
            }

            return (ops, compressed, length, ContentHash.HashBlocks(compressed.AsSpan(0, length)));
        }
        finally
        {
            if (raw is not null)
                ArrayPool<byte>.Shared.Return(raw);
        }
    }

    /// <summary>The zstd dictionary of a record's data: the base file's bytes at the offsets of its data ops, in order (zeros past the base's end).</summary>
    internal static byte[] BaseDictionary(SafeFileHandle baseHandle, IEnumerable<Op> ops, int total)
    {
        var dictionary = new byte[total];
        var baseLength = RandomAccess.GetLength(baseHandle);
        var at = 0;
        foreach (var op in ops.Where(op => op.Source == DeltaDataSource))
        {
            var available = (int)Math.Clamp(baseLength - op.Offset, 0, op.Length);
            for (var done = 0; done < available;)
            {
                var n = RandomAccess.Read(baseHandle, dictionary.AsSpan(at + done, available - done), op.Offset + done);
                done += n > 0 ? n : throw new IOException($"the base file shrank while it was read (at byte {op.Offset + done})");
            }

            at += op.Length;
        }

        return dictionary;
    }

    internal readonly record struct Op(long Offset, int Length, ulong Source);
}
