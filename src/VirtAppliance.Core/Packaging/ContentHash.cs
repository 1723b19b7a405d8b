using System.Security.Cryptography;

namespace VirtAppliance.Core.Packaging;

/// <summary>
/// The manifest's content digest: SHA-256 over the SHA-256 of each 4 MiB block of the file, the
/// scheme of Dropbox's content_hash. Unlike one SHA-256 over the whole file, blocks hash on
/// every core and the digest of an all-zero block is a constant, so a 20 GiB sparse disk costs
/// what its data costs, not 10 s of hashing zeros.
/// </summary>
internal sealed class ContentHash : IDisposable
{
    public const int BlockLength = 4 << 20;
    public const int DigestLength = 32;

    private static readonly byte[] ZeroBlockDigestBytes = SHA256.HashData(new byte[BlockLength]);
    private static readonly byte[] ZeroDigestRun = CreateZeroDigestRun(1024);

    /// <summary>The digest of a 4 MiB block of zeros.</summary>
    public static ReadOnlySpan<byte> ZeroBlockDigest => ZeroBlockDigestBytes;

    private readonly IncrementalHash outer = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly long length;
    private long nextBlock;

    public ContentHash(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        this.length = length;
    }

    public static int BlockCount(long length) => (int)Math.Min(int.MaxValue, (length + BlockLength - 1) / BlockLength);

    /// <summary>The digests of the blocks of <paramref name="data"/>, which starts on a block boundary.</summary>
    public static byte[] HashBlocks(ReadOnlySpan<byte> data) => HashBlocks(data, []);

    /// <summary>The digests of the blocks of <paramref name="data"/>; <paramref name="zeroBlocks"/> names those the caller knows are all zeros.</summary>
    public static byte[] HashBlocks(ReadOnlySpan<byte> data, ReadOnlySpan<bool> zeroBlocks)
    {
        var digests = new byte[BlockCount(data.Length) * DigestLength];
        for (var i = 0; i * (long)BlockLength < data.Length; i++)
        {
            var block = data.Slice(i * BlockLength, Math.Min(BlockLength, data.Length - (i * BlockLength)));
            var digest = digests.AsSpan(i * DigestLength, DigestLength);
            if (block.Length == BlockLength && ((i < zeroBlocks.Length && zeroBlocks[i]) || !block.ContainsAnyExcept((byte)0)))
                ZeroBlockDigestBytes.CopyTo(digest);
            else
                SHA256.HashData(block, digest);
        }

        return digests;
    }

    /// <summary>Adds the digests of the blocks starting at <paramref name="offset"/>; blocks skipped since the last call are zero.</summary>
    public void Append(long offset, ReadOnlySpan<byte> digests)
    {
        if (offset % BlockLength != 0)
            throw new ArgumentException($"offset {offset} is not on a {BlockLength}-byte block boundary", nameof(offset));
        var block = offset / BlockLength;
        if (block < nextBlock)
            throw new ArgumentException($"offset {offset} goes back", nameof(offset));
        AppendZeroBlocks(block);
        outer.AppendData(digests);
        nextBlock = block + (digests.Length / DigestLength);
    }

    /// <summary>The digest, counting every block not appended as zero.</summary>
    public byte[] Finish()
    {
        var blocks = (length + BlockLength - 1) / BlockLength;
        var tail = (int)(length % BlockLength);
        AppendZeroBlocks(tail == 0 ? blocks : blocks - 1);
        if (tail != 0 && nextBlock < blocks)
        {
            outer.AppendData(SHA256.HashData(new byte[tail]));
            nextBlock = blocks;
        }

        return outer.GetHashAndReset();
    }

    /// <summary>The content digest of bytes in memory.</summary>
    public static byte[] HashAll(ReadOnlySpan<byte> data)
    {
        using var hash = new ContentHash(data.Length);
        hash.Append(0, HashBlocks(data));
        return hash.Finish();
    }

    /// <summary>
    /// The content digest of a file on disk: only blocks that hold allocated extents are read, a
    /// few hashing at once, so an installed 20 GiB disk costs what its data costs.
    /// </summary>
    public static async Task<byte[]> ComputeFileAsync(string path, CancellationToken cancellationToken)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        return await ComputeAsync(handle, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The content digest of an open file, as <see cref="ComputeFileAsync"/>.</summary>
    public static async Task<byte[]> ComputeAsync(Microsoft.Win32.SafeHandles.SafeFileHandle handle, CancellationToken cancellationToken)
    {
        var length = RandomAccess.GetLength(handle);
        using var hash = new ContentHash(length);
        var pending = new Queue<Task<(long Offset, byte[] Digest)>>();
        var maxInFlight = Math.Clamp(Environment.ProcessorCount * 2, 2, 16);
        try
        {
            var next = 0L;
            foreach (var (extentOffset, extentLength) in FileExtents.Find(handle, length))
            {
                for (var offset = Math.Max(next, extentOffset / BlockLength * BlockLength); offset < extentOffset + extentLength; offset += BlockLength)
                {
                    var count = (int)Math.Min(BlockLength, length - offset);
                    var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(count);
                    await SparseZstdEncoder.ReadExactlyAsync(handle, buffer.AsMemory(0, count), offset, cancellationToken).ConfigureAwait(false);
                    var at = offset;
                    pending.Enqueue(Task.Run(() =>
                    {
                        try
                        {
                            return (at, HashBlocks(buffer.AsSpan(0, count)));
                        }
                        finally
                        {
                            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                        }
                    }, cancellationToken));
                    while (pending.Count >= maxInFlight)
                    {
                        var (blockOffset, digest) = await pending.Dequeue().ConfigureAwait(false);
                        hash.Append(blockOffset, digest);
                    }

                    next = offset + BlockLength;
                }
            }

            while (pending.Count > 0)
            {
                var (blockOffset, digest) = await pending.Dequeue().ConfigureAwait(false);
                hash.Append(blockOffset, digest);
            }
        }
        finally
        {
            foreach (var task in pending)
                await task.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
        }

        return hash.Finish();
    }

    private void AppendZeroBlocks(long untilBlock)
    {
        while (nextBlock < untilBlock)
        {
            var run = (int)Math.Min(untilBlock - nextBlock, ZeroDigestRun.Length / DigestLength);
            outer.AppendData(ZeroDigestRun, 0, run * DigestLength);
            nextBlock += run;
        }
    }

    private static byte[] CreateZeroDigestRun(int count)
    {
        var run = new byte[count * DigestLength];
        for (var i = 0; i < count; i++)
            ZeroBlockDigestBytes.CopyTo(run, i * DigestLength);
        return run;
    }

    public void Dispose() => outer.Dispose();
}
