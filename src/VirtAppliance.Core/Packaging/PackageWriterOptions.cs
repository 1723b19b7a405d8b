namespace VirtAppliance.Core.Packaging;

/// <summary>How <see cref="PackageWriter"/> packs.</summary>
public sealed class PackageWriterOptions
{
    /// <summary>zstd level for disks (1 fastest … 19 smallest). 3 measured best for size per second.</summary>
    public int CompressionLevel { get; init; } = 3;

    /// <summary>Uncompressed bytes per compressed chunk (4 KiB … 16 MiB).</summary>
    public int ChunkLength { get; init; } = PackageLayout.DefaultChunkLength;

    /// <summary>Chunks compressed at once.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Record each disk's content SHA-256 (what sha256sum prints for the restored file). It costs
    /// hashing the disk's whole virtual size, holes included (about 2 GB/s here: 10 s for an empty
    /// 20 GiB disk); without it the stored digest, always recorded, still covers every byte.
    /// </summary>
    public bool ContentDigests { get; init; } = true;

    /// <summary>Signs the manifest when set.</summary>
    public PackageSigner? Signer { get; init; }

    /// <summary>Where encoded disks wait before they go into the package; the output's folder when null.</summary>
    public string? TemporaryDirectory { get; init; }

    /// <summary>The clock for entry times and the signature's creation time.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
