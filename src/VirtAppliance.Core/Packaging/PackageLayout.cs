using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Packaging;

/// <summary>
/// The wire layout of a .vapp package and of its sparse-zstd payloads, in one place
/// (docs/package-format.md describes the same numbers for other implementations).
/// </summary>
internal static class PackageLayout
{
    public const string DescriptorName = ApplianceLocator.DescriptorFileName;
    public const string ManifestName = "manifest.json";
    public const string SignatureName = "manifest.json.asc";

    /// <summary>Suffix of the tar entry that holds a sparse-zstd encoded file.</summary>
    public const string SparseZstdSuffix = ".vasz";

    /// <summary>Suffix of the tar entry that holds a delta-zstd encoded file.</summary>
    public const string DeltaZstdSuffix = ".vadz";

    /// <summary>Full packages: every file stored whole.</summary>
    public const int FormatVersion = 1;

    /// <summary>Delta packages: files stored as changes against an installed base version (a manifest with "base").</summary>
    public const int DeltaFormatVersion = 2;

    /// <summary>
    /// Full packages whose disks may be sparse-zstd version 2 (records up to 64 MiB): older readers
    /// refuse them by this number, before reading a disk, instead of failing half-way.
    /// </summary>
    public const int LargeRecordFormatVersion = 3;

    /// <summary>The newest format this tool reads.</summary>
    public const int NewestFormatVersion = LargeRecordFormatVersion;
    public const string FormatName = "virt-appliance-package";

    // Limits checked before anything is allocated.
    public const int MaxDescriptorBytes = (int)DescriptorReader.MaxDescriptorBytes; // what the reader accepts, so both agree
    public const int MaxManifestBytes = 1 << 20;
    public const int MaxSignatureBytes = 64 << 10;
    public const int MaxFiles = 256;
    public const int MaxPathLength = 240;
    public const long MaxFileSize = 1L << 46; // 64 TiB of disk content

    // Sparse-zstd stream: header, then records, then an end record (docs/package-format.md).
    //   header: magic "VASZ" | u16 version | u16 reserved (0) | u64 content length
    //   record: u32 run count | u32 stored length | runs (u64 offset | u32 length) | stored bytes
    //   end:    u32 0 | u32 0
    // The stored bytes are the runs' content, concatenated: one zstd frame, or as is when
    // the stored length equals the runs' total length.
    public static ReadOnlySpan<byte> SparseMagic => "VASZ"u8;
    /// <summary>Records of up to <see cref="MaxRecordLength"/> (16 MiB).</summary>
    public const ushort SparseVersion = 1;

    /// <summary>Records of up to <see cref="MaxLargeRecordLength"/> (64 MiB); in format version 3 packages.</summary>
    public const ushort SparseLargeRecordVersion = 2;
    public const int SparseHeaderLength = 16;
    public const int SparseMagicOffset = 0;
    public const int SparseVersionOffset = 4;
    public const int SparseReservedOffset = 6;
    public const int SparseContentLengthOffset = 8;
    public const int RecordHeaderLength = 8;
    public const int RecordRunCountOffset = 0;
    public const int RecordStoredLengthOffset = 4;
    public const int RunLength = 12;
    public const int RunOffsetOffset = 0;
    public const int RunLengthOffset = 8;

    /// <summary>The most content one record holds (the sum of its runs).</summary>
    public const int MaxRecordLength = 16 << 20;

    /// <summary>Runs start and end on these boundaries (or at the end of the content); all-zero blocks are left out.</summary>
    public const int RunBlockLength = 4096;

    public const int MaxRunsPerRecord = MaxRecordLength / RunBlockLength;

    /// <summary>The most content one record of a sparse-zstd version 2 stream holds.</summary>
    public const int MaxLargeRecordLength = 64 << 20;

    /// <summary>
    /// 64 MiB records with a window of the whole record: 4.7 % smaller than 16 MiB ones at the same
    /// wall time on two cores (bench/RESULTS.md, issue 16); 128 MiB gain 2.6 % more but leave a core
    /// idle at the end of a disk and double the memory.
    /// </summary>
    public const int DefaultChunkLength = MaxLargeRecordLength;

    /// <summary>The sparse-zstd version that holds records of <paramref name="chunkLength"/> bytes.</summary>
    public static ushort SparseVersionFor(int chunkLength) => chunkLength > MaxRecordLength ? SparseLargeRecordVersion : SparseVersion;

    /// <summary>The most content a record of this sparse-zstd version holds, or 0 for a version this tool does not read.</summary>
    public static int MaxRecordLengthOf(ushort sparseVersion) => sparseVersion switch
    {
        SparseVersion => MaxRecordLength,
        SparseLargeRecordVersion => MaxLargeRecordLength,
        _ => 0,
    };

    // Delta-zstd stream (delta packages): header, records, end record, like sparse-zstd, but a
    // record's entries are ops: new data from the record's stored bytes, or a copy from the base file.
    //   header: magic "VADZ" | u16 version | u16 reserved (0) | u64 content length
    //   record: u32 op count | u32 stored length | ops (u64 offset | u32 length | u64 source) | stored bytes
    //   end:    u32 0 | u32 0
    // source = 2^64-1: the next `length` bytes of the record's (decompressed) data; else the base
    // file's offset to copy `length` bytes from. Stored length 0 when the record has no data.
    public static ReadOnlySpan<byte> DeltaMagic => "VADZ"u8;
    public const ushort DeltaVersion = 1;
    public const int DeltaHeaderLength = 16;
    public const int DeltaMagicOffset = 0;
    public const int DeltaVersionOffset = 4;
    public const int DeltaReservedOffset = 6;
    public const int DeltaContentLengthOffset = 8;
    public const int DeltaOpLength = 20;
    public const int DeltaOpOffsetOffset = 0;
    public const int DeltaOpLengthOffset = 8;
    public const int DeltaOpSourceOffset = 12;
    public const ulong DeltaDataSource = ulong.MaxValue;
}
