namespace VirtAppliance.Core.Packaging;

/// <summary>How a file's bytes are stored in the package (manifest spelling in parentheses).</summary>
public enum PackageEncoding
{
    /// <summary>Stored as is (identity).</summary>
    Identity,

    /// <summary>Allocated non-zero chunks only, each zstd-compressed (sparse-zstd).</summary>
    SparseZstd,
}
