namespace VirtAppliance.Core.Packaging;

/// <summary>How hard pack compresses disks (the package format is the same; any reader reads both).</summary>
public enum PackageCompression
{
    /// <summary>zstd level 3 with long-distance matching over each record (64 MiB): about zstd -3's speed (bench/RESULTS.md).</summary>
    Default,

    /// <summary>zstd level 19 over the same records: smaller, many times slower to pack, as fast to install.</summary>
    Max,
}
