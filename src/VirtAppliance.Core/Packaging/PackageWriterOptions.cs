namespace VirtAppliance.Core.Packaging;

/// <summary>How <see cref="PackageWriter"/> packs.</summary>
public sealed class PackageWriterOptions
{
    /// <summary>zstd level for disks (1 fastest … 19 smallest). 3 measured best for size per second.</summary>
    public int CompressionLevel { get; init; } = DefaultCompressionLevel;

    /// <summary>
    /// Uncompressed bytes per compressed chunk, a whole number of 4 KiB blocks up to 64 MiB. Up to 16 MiB the
    /// package is format version 1 (what virt-appliance read before 64 MiB records); above, version 3.
    /// 64 MiB with long-distance matching measured 11 % smaller than 8 MiB without, at the same speed
    /// (issue 16, bench/RESULTS.md).
    /// </summary>
    public int ChunkLength { get; init; } = PackageLayout.DefaultChunkLength;

    /// <summary>
    /// zstd's long-distance matching over each whole record (window = chunk length): finds the repeats
    /// a 2 MiB window misses. Measured on the bench system disk: see bench/RESULTS.md.
    /// </summary>
    public bool LongDistanceMatching { get; init; } = true;

    /// <summary>
    /// zstd level for the new data of a delta package's files. New data is a few percent of a disk, so a
    /// slower level costs little time: 9 measured 8 % smaller than 3 on the bench update (bench/RESULTS.md).
    /// </summary>
    public int DeltaCompressionLevel { get; init; } = DefaultDeltaCompressionLevel;

    /// <summary>The level of <see cref="PackageCompression.Default"/> for a delta's new data.</summary>
    public const int DefaultDeltaCompressionLevel = 9;

    /// <summary>The zstd level of a <see cref="PackageCompression"/> choice for a delta's new data.</summary>
    public static int DeltaLevelOf(PackageCompression compression) => compression == PackageCompression.Max ? MaxCompressionLevel : DefaultDeltaCompressionLevel;

    /// <summary>The zstd level of a <see cref="PackageCompression"/> choice.</summary>
    public static int LevelOf(PackageCompression compression) => compression switch
    {
        PackageCompression.Default => DefaultCompressionLevel,
        PackageCompression.Max => MaxCompressionLevel,
        _ => throw new ArgumentOutOfRangeException(nameof(compression)),
    };

    /// <summary>The level of <see cref="PackageCompression.Default"/>.</summary>
    public const int DefaultCompressionLevel = 3;

    /// <summary>The level of <see cref="PackageCompression.Max"/>.</summary>
    public const int MaxCompressionLevel = 19;

    /// <summary>Chunks compressed at once.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Makes a delta package against this base version (every file stored as delta-zstd) when set.</summary>
    public DeltaBase? DeltaFrom { get; init; }

    /// <summary>Signs the manifest when set.</summary>
    public PackageSigner? Signer { get; init; }

    /// <summary>The clock for entry times and the signature's creation time.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
