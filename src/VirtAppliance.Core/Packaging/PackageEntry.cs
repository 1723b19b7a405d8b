namespace VirtAppliance.Core.Packaging;

/// <summary>One file as the manifest records it.</summary>
/// <param name="Path">Path relative to the appliance folder, '/' separated.</param>
/// <param name="Role">What the file is for.</param>
/// <param name="Format">The image format of a disk (raw, qcow2, iso …), else null.</param>
/// <param name="Size">The length of the restored file (a disk's virtual size for raw images).</param>
/// <param name="StoredSize">The length of the bytes in the package.</param>
/// <param name="Encoding">How the bytes are stored.</param>
/// <param name="StoredSha256">SHA-256 of the stored bytes, lower-case hex.</param>
/// <param name="Sha256">SHA-256 of the restored file, lower-case hex (what sha256sum prints); null for a sparse-zstd disk packed without content digests.</param>
public sealed record PackageEntry(
    string Path,
    PackageFileRole Role,
    string? Format,
    long Size,
    long StoredSize,
    PackageEncoding Encoding,
    string StoredSha256,
    string? Sha256)
{
    /// <summary>The name of the tar entry that holds the stored bytes.</summary>
    public string EntryName => Encoding == PackageEncoding.SparseZstd ? Path + PackageLayout.SparseZstdSuffix : Path;
}
