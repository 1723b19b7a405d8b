using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Deployment;

/// <summary>What 'grow' did to one disk of a VM.</summary>
/// <param name="Online">The VM was running: libvirt resized the disk under it.</param>
/// <param name="Note">What the user should know: why the file system was left to the guest, what an update does to a grown system or scratch disk.</param>
public sealed record GrowResult(string Name, string Disk, string Target, DiskRole Role, long OldSize, long NewSize, bool Online, FileSystemGrowth FileSystem,
    string? Note);
