using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using VirtAppliance.Core.Internal;
using ZstdNet;
using static VirtAppliance.Core.Packaging.PackageLayout;

namespace VirtAppliance.Core.Packaging;

/// <summary>
/// Reads a delta-zstd stream, checking its structure record by record and taking its stored
/// digest. With an output and a base file it restores the content: new data from the records,
/// copies from the base, all-zero 4 KiB blocks left as holes. Records restore on pool threads.
/// </summary>
internal sealed class DeltaZstdDecoder(long expectedLength, long baseLength, SafeFileHandle? baseFile, SafeFileHandle? output, int threads)
{
    private const long MaxBufferedBytes = 128L << 20;
    private const int CopyPiece = 1 << 20;

    /// <summary>Decodes the whole stream; returns its stored digest.</summary>
    /// <exception cref="InvalidDataException">The stream is malformed.</exception>
    public async Task<byte[]> DecodeAsync(Stream input, Action<long>? progress, CancellationToken cancellationToken)
    {
        using var storedDigest = new StoredDigest();
        var header = new byte[DeltaHeaderLength];
        await ReadExactlyAsync(input, header, "header", cancellationToken).ConfigureAwait(false);
        storedDigest.AppendStructure(header);
        if (!header.AsSpan(DeltaMagicOffset, 4).SequenceEqual(DeltaMagic))
            throw new InvalidDataException("delta-zstd stream: bad magic");
        var version = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(DeltaVersionOffset));
        if (version != DeltaVersion)
            throw new InvalidDataException($"delta-zstd stream: unsupported version {version}");
        if (BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(DeltaReservedOffset)) != 0)
            throw new InvalidDataException("delta-zstd stream: the reserved header field is not zero");
        var length = BinaryPrimitives.ReadInt64BigEndian(header.AsSpan(DeltaContentLengthOffset));
        if (length != expectedLength)
            throw new InvalidDataException($"delta-zstd stream: content length {length} differs from the manifest's {expectedLength}");

        var pending = new Queue<Task<(byte[] Structure, byte[] Pieces, long End, long Buffered)>>();
        var recordHeader = new byte[RecordHeaderLength];
        long next = 0, buffered = 0;
        try
        {
            while (true)
            {
                await ReadExactlyAsync(input, recordHeader, "record header", cancellationToken).ConfigureAwait(false);
                var opCount = BinaryPrimitives.ReadInt32BigEndian(recordHeader.AsSpan(RecordRunCountOffset));
                var stored = BinaryPrimitives.ReadInt32BigEndian(recordHeader.AsSpan(RecordStoredLengthOffset));
                if (opCount == 0 && stored == 0)
                    break;
                if (opCount is < 1 or > MaxRunsPerRecord || stored < 0)
                    throw new InvalidDataException($"delta-zstd stream: bad record after content offset {next} ({opCount} ops, {stored} stored bytes)");
                var structure = new byte[RecordHeaderLength + (opCount * DeltaOpLength)];
                recordHeader.CopyTo(structure, 0);
                await ReadExactlyAsync(input, structure.AsMemory(RecordHeaderLength), "record's ops", cancellationToken).ConfigureAwait(false);
                var ops = ParseOps(structure.AsSpan(RecordHeaderLength), length, ref next, out var data);
                if (stored > data || (stored == 0) != (data == 0))
                    throw new InvalidDataException($"delta-zstd stream: the record at content offset {ops[0].Offset} stores {stored} bytes for {data}");
                var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, stored));
                try
                {
                    await ReadExactlyAsync(input, buffer.AsMemory(0, stored), "record data", cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    throw;
                }

                pending.Enqueue(Task.Run(() => Restore(structure, ops, data, buffer, stored), cancellationToken));
                buffered += data + stored;
                while (pending.Count >= Math.Max(2, threads * 2) || (pending.Count > 1 && buffered > MaxBufferedBytes))
                {
                    var done = await pending.Dequeue().ConfigureAwait(false);
                    buffered -= done.Buffered;
                    Complete(done);
                }
            }

            while (pending.Count > 0)
                Complete(await pending.Dequeue().ConfigureAwait(false));
        }
        finally
        {
            foreach (var task in pending)
                await task.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
        }

        storedDigest.AppendStructure(recordHeader);
        if (await input.ReadAsync(new byte[1], cancellationToken).ConfigureAwait(false) != 0)
            throw new InvalidDataException("delta-zstd stream: bytes after the end record");
        progress?.Invoke(length);
        return storedDigest.Finish();

        void Complete((byte[] Structure, byte[] Pieces, long End, long Buffered) done)
        {
            storedDigest.AppendStructure(done.Structure);
            storedDigest.AppendPieces(done.Pieces);
            progress?.Invoke(done.End);
        }
    }

    /// <summary>Checks a record's ops: in order, not overlapping, inside the content, copies inside the base.</summary>
    private DeltaZstdEncoder.Op[] ParseOps(ReadOnlySpan<byte> bytes, long length, ref long next, out int data)
    {
        var ops = new DeltaZstdEncoder.Op[bytes.Length / DeltaOpLength];
        long dataTotal = 0;
        for (var i = 0; i < ops.Length; i++)
        {
            var at = bytes.Slice(i * DeltaOpLength, DeltaOpLength);
            var offset = BinaryPrimitives.ReadInt64BigEndian(at[DeltaOpOffsetOffset..]);
            var opLength = BinaryPrimitives.ReadInt32BigEndian(at[DeltaOpLengthOffset..]);
            var source = BinaryPrimitives.ReadUInt64BigEndian(at[DeltaOpSourceOffset..]);
            if (offset < next || opLength is < 1 or > MaxRecordLength || offset > length - opLength)
                throw new InvalidDataException($"delta-zstd stream: bad op at content offset {offset} ({opLength} bytes)");
            if (source == DeltaDataSource)
                dataTotal += opLength;
            else if (source > (ulong)Math.Max(0, baseLength - opLength))
                throw new InvalidDataException($"delta-zstd stream: the op at content offset {offset} copies {opLength} bytes from base offset {source}, outside the base's {baseLength} bytes");
            if (dataTotal > MaxRecordLength)
                throw new InvalidDataException($"delta-zstd stream: the record at content offset {ops[0].Offset} holds more than {MaxRecordLength} bytes of data");
            ops[i] = new DeltaZstdEncoder.Op(offset, opLength, source);
            next = offset + opLength;
        }

        data = (int)dataTotal;
        return ops;
    }

    /// <summary>On a pool thread: hashes the stored pieces and, when restoring, writes the record's ops.</summary>
    private (byte[] Structure, byte[] Pieces, long End, long Buffered) Restore(byte[] structure, DeltaZstdEncoder.Op[] ops, int data, byte[] stored, int storedLength)
    {
        var end = ops[^1].Offset + ops[^1].Length;
        byte[]? raw = null;
        byte[]? copy = null;
        try
        {
            var pieces = ContentHash.HashBlocks(stored.AsSpan(0, storedLength));
            if (output is null)
                return (structure, pieces, end, data + storedLength);
            if (data > 0)
                raw = Decompress(ops, data, stored, storedLength);
            var position = 0;
            foreach (var op in ops)
            {
                if (op.Source == DeltaDataSource)
                {
                    WriteSparse(output, raw.AsSpan(position, op.Length), op.Offset);
                    position += op.Length;
                    continue;
                }

                if (baseFile is null)
                    throw new InvalidOperationException("a delta with copies needs its base file");
                copy ??= ArrayPool<byte>.Shared.Rent(CopyPiece);
                for (var done = 0; done < op.Length;)
                {
                    var count = Math.Min(CopyPiece, op.Length - done);
                    var piece = copy.AsSpan(0, count);
                    ReadExactly(baseFile, piece, (long)op.Source + done);
                    WriteSparse(output, piece, op.Offset + done);
                    done += count;
                }
            }

            Posix.StartWriteback(output, ops[0].Offset, end - ops[0].Offset);
            return (structure, pieces, end, data + storedLength);
        }
        finally
        {
            if (raw is not null && !ReferenceEquals(raw, stored))
                ArrayPool<byte>.Shared.Return(raw);
            if (copy is not null)
                ArrayPool<byte>.Shared.Return(copy);
            ArrayPool<byte>.Shared.Return(stored);
        }
    }

    /// <summary>Writes the bytes, leaving out the 4 KiB blocks (on file offsets) that are all zeros: they stay holes.</summary>
    private static void WriteSparse(SafeFileHandle file, ReadOnlySpan<byte> bytes, long offset)
    {
        var position = 0;
        while (position < bytes.Length)
        {
            var blockEnd = (int)Math.Min(bytes.Length, ((offset + position) / RunBlockLength * RunBlockLength) + RunBlockLength - offset);
            if (!bytes[position..blockEnd].ContainsAnyExcept((byte)0))
            {
                position = blockEnd;
                continue;
            }

            // A run of blocks that hold data.
            var runEnd = blockEnd;
            while (runEnd < bytes.Length)
            {
                var nextEnd = Math.Min(bytes.Length, runEnd + RunBlockLength);
                if (!bytes[runEnd..nextEnd].ContainsAnyExcept((byte)0))
                    break;
                runEnd = nextEnd;
            }

            RandomAccess.Write(file, bytes[position..runEnd], offset + position);
            position = runEnd;
        }
    }

    private static void ReadExactly(SafeFileHandle file, Span<byte> buffer, long offset)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var n = RandomAccess.Read(file, buffer[done..], offset + done);
            if (n == 0)
                throw new IOException($"the base file ends before byte {offset + done}");
            done += n;
        }
    }

    private byte[] Decompress(DeltaZstdEncoder.Op[] ops, int raw, byte[] stored, int storedLength)
    {
        if (storedLength == raw)
            return stored;
        using var options = baseFile is null ? null : new DecompressionOptions(DeltaZstdEncoder.BaseDictionary(baseFile, ops, raw));
        return ZstdRecord.Decompress("delta-zstd", ops[0].Offset, raw, stored.AsSpan(0, storedLength), options);
    }

    private static async Task ReadExactlyAsync(Stream input, Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        var n = await input.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (n != buffer.Length)
            throw new InvalidDataException($"delta-zstd stream: truncated in a {what}");
    }
}
