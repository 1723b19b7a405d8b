namespace VirtAppliance.Core.Packaging;

/// <summary>How <see cref="PackageWriter"/> packs.</summary>
public sealed class PackageWriterOptions
{
    /// <summary>zstd level for disks (1 fastest … 19 smallest). 3 measured best for size per second.</summary>
    public int CompressionLevel { get; init; } = 3;

    /// <summary>Uncompressed bytes per compressed chunk: 4, 8, 12 or 16 MiB. 8 measured smaller than tar | zstd -3 at the same speed.</summary>
    public int ChunkLength { get; init; } = PackageLayout.DefaultChunkLength;

    /// <summary>Chunks compressed at once.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Makes a delta package against this base version (every file stored as delta-zstd) when set.</summary>
    public DeltaBase? DeltaFrom { get; init; }

    /// <summary>Signs the manifest when set.</summary>
    public PackageSigner? Signer { get; init; }

    /// <summary>The clock for entry times and the signature's creation time.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
