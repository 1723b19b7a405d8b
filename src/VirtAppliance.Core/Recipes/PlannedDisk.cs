using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Recipes;

/// <summary>A descriptor disk as build makes it: its size and the partitions on it (none: left empty).</summary>
public sealed record PlannedDisk(DiskDescriptor Disk, long SizeMiB, string DiskUuid, IReadOnlyList<PlannedPartition> Partitions)
{
    /// <summary>The image file build writes, relative to the output folder.</summary>
    public string FileName => $"{Disk.Id}.img";
}
