using System.Security.Cryptography;

namespace VirtAppliance.Core.Packaging;

/// <summary>
/// The stored digest of a sparse-zstd entry: SHA-256 over the entry's bytes with each record's
/// stored bytes replaced by the SHA-256 of their 4 MiB pieces (docs/package-format.md). Pieces
/// hash on every core, and for data stored as it is they are the content's block digests
/// already, so random data is hashed once, not twice.
/// </summary>
internal sealed class StoredDigest : IDisposable
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Header, record headers, run tables and the end record: taken as they are.</summary>
    public void AppendStructure(ReadOnlySpan<byte> bytes) => hash.AppendData(bytes);

    /// <summary>A record's stored bytes, as the digests of their pieces (<see cref="ContentHash.HashBlocks(ReadOnlySpan{byte})"/>).</summary>
    public void AppendPieces(ReadOnlySpan<byte> pieceDigests) => hash.AppendData(pieceDigests);

    public byte[] Finish() => hash.GetHashAndReset();

    public void Dispose() => hash.Dispose();
}

/// <summary>What encoding a file produced.</summary>
internal sealed record EncodedFile(byte[] ContentDigest, byte[] StoredDigest, long StoredLength);
