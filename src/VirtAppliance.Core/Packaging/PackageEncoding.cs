namespace VirtAppliance.Core.Packaging;

/// <summary>How a file's bytes are stored in the package (manifest spelling in parentheses).</summary>
public enum PackageEncoding
{
    /// <summary>Stored as is (identity).</summary>
    Identity,

    /// <summary>Allocated non-zero chunks only, each zstd-compressed (sparse-zstd).</summary>
    SparseZstd,

    /// <summary>Changes against a file of the base version: copies from it and zstd-compressed new data (delta-zstd; delta packages only).</summary>
    DeltaZstd,
}
