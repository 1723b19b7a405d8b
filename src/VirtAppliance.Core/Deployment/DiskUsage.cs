using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Deployment;

/// <summary>One disk of a VM with the sizes of its file; null where the file is gone.</summary>
/// <param name="VirtualSize">What the guest sees.</param>
/// <param name="AllocatedBytes">What the file occupies on the host (holes and shared backing images not counted).</param>
public sealed record DiskUsage(InstanceDisk Disk, long? VirtualSize, long? AllocatedBytes);
