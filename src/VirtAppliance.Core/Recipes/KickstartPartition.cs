using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Recipes;

/// <summary>One <c>part</c> line: a plain partition with a file system (or swap).</summary>
/// <param name="MountPoint">An absolute, normalised path (<c>/</c>, <c>/var/lib/postgresql</c>) or <c>swap</c>.</param>
/// <param name="SizeMiB"><c>--size</c>; with <c>--grow</c> and no <c>--size</c>, 1.</param>
/// <param name="Grow"><c>--grow</c>: fill the free space of the disk (up to <paramref name="MaxSizeMiB"/>).</param>
/// <param name="MaxSizeMiB"><c>--maxsize</c>, only with <c>--grow</c>.</param>
/// <param name="FsType">ext4, ext3, ext2, swap, vfat or xfs; defaults to ext4 (swap for <c>swap</c>).</param>
/// <param name="OnDisk"><c>--ondisk</c> (alias <c>--ondrive</c>): the id of a disk of the descriptor; null means the system disk.</param>
/// <param name="Label"><c>--label</c>: the file system label.</param>
/// <param name="FsOptions"><c>--fsoptions</c>: mount options for fstab.</param>
/// <param name="Location">The <c>part</c> line.</param>
public sealed record KickstartPartition(
    string MountPoint,
    long SizeMiB,
    bool Grow,
    long? MaxSizeMiB,
    string FsType,
    string? OnDisk,
    string? Label,
    string? FsOptions,
    SourceLocation Location)
{
    public bool IsSwap => MountPoint == "swap";
}
