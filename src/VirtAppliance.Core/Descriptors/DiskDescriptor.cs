using System.Xml.Linq;
using VirtAppliance.Core.Images;

namespace VirtAppliance.Core.Descriptors;

/// <summary>A disk of the storage section.</summary>
public sealed record DiskDescriptor
{
    /// <summary>How drives refer to the disk; defaults to <see cref="File"/>.</summary>
    public required string Id { get; init; }

    /// <summary>The image file, relative to the descriptor; null for a disk created empty at deploy.</summary>
    public string? File { get; init; }

    public DiskRole Role { get; init; } = DiskRole.System;

    public DiskFormat Format { get; init; } = DiskFormat.Raw;

    /// <summary>Size in MiB (virt-image's "MB"): the size of a disk created empty, or the expected size.</summary>
    public long? SizeMiB { get; init; }

    public DiskChecksum? Checksum { get; init; }

    /// <summary>The supplier's warning and critical levels (percent used) for this disk; null for the defaults.</summary>
    public DiskThreshold? Threshold { get; init; }

    /// <summary>Partition image files of the legacy multi-file disk form; deploy does not support it.</summary>
    public IReadOnlyList<string> Partitions { get; init; } = [];

    public IReadOnlyList<XElement> Extensions { get; init; } = [];

    public SourceLocation Location { get; init; }
}
