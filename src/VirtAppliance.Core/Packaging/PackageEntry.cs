namespace VirtAppliance.Core.Packaging;

/// <summary>One file as the manifest records it.</summary>
/// <param name="Path">Path relative to the appliance folder, '/' separated.</param>
/// <param name="Role">What the file is for.</param>
/// <param name="Format">The image format of a disk (raw, qcow2, iso …), else null.</param>
/// <param name="Size">The length of the restored file (a disk's virtual size for raw images).</param>
/// <param name="StoredSize">The length of the bytes in the package.</param>
/// <param name="Encoding">How the bytes are stored.</param>
/// <param name="StoredDigest">Digest of the stored bytes (the tar entry's data), lower-case hex: the content digest for a file stored as is, the <see cref="Packaging.StoredDigest"/> of a sparse-zstd stream.</param>
/// <param name="ContentDigest">Digest of the restored file, lower-case hex: SHA-256 over the SHA-256 of each 4 MiB block (<see cref="ContentHash"/>).</param>
/// <param name="BaseFile">For a delta-zstd file: the base file it copies from (null: it holds all its data).</param>
public sealed record PackageEntry(
    string Path,
    PackageFileRole Role,
    string? Format,
    long Size,
    long StoredSize,
    PackageEncoding Encoding,
    string StoredDigest,
    string ContentDigest,
    PackageBaseFile? BaseFile = null)
{
    /// <summary>The name of the tar entry that holds the stored bytes.</summary>
    public string EntryName => Encoding switch
    {
        PackageEncoding.SparseZstd => Path + PackageLayout.SparseZstdSuffix,
        PackageEncoding.DeltaZstd => Path + PackageLayout.DeltaZstdSuffix,
        _ => Path,
    };
}
