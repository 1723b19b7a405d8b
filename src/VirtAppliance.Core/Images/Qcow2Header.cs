using System.Buffers.Binary;

namespace VirtAppliance.Core.Images;

/// <summary>The fields of a qcow2 header that decide whether an image is safe to ship.</summary>
public sealed record Qcow2Header
{
    internal const uint Magic = 0x514649FB; // "QFI\xfb"
    internal const int Version2Length = 72;
    internal const int Version3MinLength = 104;
    internal const int MaxBackingFileNameLength = 1023; // the limit QEMU enforces
    internal const int MinClusterBits = 9;
    internal const int MaxClusterBits = 21;
    internal const long MaxVirtualSize = 1L << 55; // QEMU refuses larger images as well

    // Byte offsets in the header (docs/interop/qcow2.txt in QEMU).
    private const int VersionOffset = 4;
    private const int BackingFileOffsetOffset = 8;
    private const int BackingFileSizeOffset = 16;
    private const int ClusterBitsOffset = 20;
    private const int SizeOffset = 24;
    private const int CryptMethodOffset = 32;
    private const int IncompatibleFeaturesOffset = 72;
    private const int HeaderLengthOffset = 100;

    /// <summary>Incompatible feature bits this reader knows (dirty, corrupt, external data, compression type, extended L2).</summary>
    internal const ulong KnownIncompatibleFeatures = 0x1F;
    internal const ulong CorruptBit = 1 << 1;
    internal const ulong ExternalDataFileBit = 1 << 2;

    public required int Version { get; init; }

    public required ulong BackingFileOffset { get; init; }

    public required uint BackingFileSize { get; init; }

    public required int ClusterBits { get; init; }

    /// <summary>The guest-visible disk size in bytes.</summary>
    public required long VirtualSize { get; init; }

    public required uint CryptMethod { get; init; }

    public required ulong IncompatibleFeatures { get; init; }

    public bool HasBackingFile => BackingFileOffset != 0 || BackingFileSize != 0;

    public bool HasExternalDataFile => (IncompatibleFeatures & ExternalDataFileBit) != 0;

    public bool IsMarkedCorrupt => (IncompatibleFeatures & CorruptBit) != 0;

    internal static bool HasMagic(ReadOnlySpan<byte> head) =>
        head.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(head) == Magic;

    /// <summary>Parses a qcow2 header from the first bytes of an image.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed qcow2 header.</exception>
    public static Qcow2Header Parse(ReadOnlySpan<byte> head)
    {
        if (head.Length < Version2Length)
            throw new InvalidDataException($"qcow2 header truncated: {head.Length} bytes, at least {Version2Length} expected");
        if (!HasMagic(head))
            throw new InvalidDataException("not a qcow2 image: bad magic");

        var version = BinaryPrimitives.ReadUInt32BigEndian(head[VersionOffset..]);
        if (version is not (2 or 3))
            throw new InvalidDataException($"unsupported qcow2 version {version}");

        var backingOffset = BinaryPrimitives.ReadUInt64BigEndian(head[BackingFileOffsetOffset..]);
        var backingSize = BinaryPrimitives.ReadUInt32BigEndian(head[BackingFileSizeOffset..]);
        if (backingSize > MaxBackingFileNameLength)
            throw new InvalidDataException($"qcow2 backing file name length {backingSize} exceeds {MaxBackingFileNameLength}");
        if (backingOffset > long.MaxValue)
            throw new InvalidDataException($"qcow2 backing file offset {backingOffset} is out of range");

        var clusterBits = BinaryPrimitives.ReadUInt32BigEndian(head[ClusterBitsOffset..]);
        if (clusterBits is < MinClusterBits or > MaxClusterBits)
            throw new InvalidDataException($"qcow2 cluster bits {clusterBits} outside {MinClusterBits}..{MaxClusterBits}");

        var size = BinaryPrimitives.ReadUInt64BigEndian(head[SizeOffset..]);
        if (size > MaxVirtualSize)
            throw new InvalidDataException($"qcow2 virtual size {size} exceeds {MaxVirtualSize}");

        ulong incompatible = 0;
        if (version == 3)
        {
            if (head.Length < Version3MinLength)
                throw new InvalidDataException($"qcow2 v3 header truncated: {head.Length} bytes, at least {Version3MinLength} expected");
            incompatible = BinaryPrimitives.ReadUInt64BigEndian(head[IncompatibleFeaturesOffset..]);
            var headerLength = BinaryPrimitives.ReadUInt32BigEndian(head[HeaderLengthOffset..]);
            if (headerLength < Version3MinLength || headerLength > (1u << (int)clusterBits))
                throw new InvalidDataException($"qcow2 header length {headerLength} is out of range");
        }

        return new Qcow2Header
        {
            Version = (int)version,
            BackingFileOffset = backingOffset,
            BackingFileSize = backingSize,
            ClusterBits = (int)clusterBits,
            VirtualSize = (long)size,
            CryptMethod = BinaryPrimitives.ReadUInt32BigEndian(head[CryptMethodOffset..]),
            IncompatibleFeatures = incompatible,
        };
    }
}
