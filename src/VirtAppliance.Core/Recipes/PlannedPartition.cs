using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Recipes;

/// <summary>One kickstart <c>part</c>, placed on a disk: where it starts, how large it is, its fixed identities.</summary>
/// <param name="Number">1-based partition number on its disk.</param>
/// <param name="StartMiB">Offset from the start of the disk.</param>
/// <param name="PartitionUuid">GPT partition UUID, derived from the appliance name, disk and mount point.</param>
/// <param name="FileSystemUuid">The file system's UUID (fstab and root= use it): the same for every version, so a
/// new system disk's fstab still finds the file system on a kept user disk.</param>
public sealed record PlannedPartition(
    KickstartPartition Part,
    int Number,
    long StartMiB,
    long SizeMiB,
    string PartitionUuid,
    string FileSystemUuid)
{
    public string MountPoint => Part.MountPoint;

    public string FsType => Part.FsType;

    public bool IsSwap => Part.FsType == "swap";

    public SourceLocation Location => Part.Location;
}
