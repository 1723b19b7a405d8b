using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Deployment;

/// <summary>An instance with its live state and its disks' sizes.</summary>
/// <param name="DomainMissing">The index knows the VM but its libvirt domain was removed behind our back.</param>
/// <param name="Unindexed">A libvirt domain carries our metadata but the index has no row for it ('vms --repair' adopts it).</param>
public sealed record InstanceStatus(InstanceRecord Record, DomainState? State, bool DomainMissing, IReadOnlyList<DiskUsage> Disks, bool Unindexed = false);

/// <summary>One disk of a VM with the sizes of its file; null where the file is gone.</summary>
/// <param name="VirtualSize">What the guest sees.</param>
/// <param name="AllocatedBytes">What the file occupies on the host (holes and shared backing images not counted).</param>
public sealed record DiskUsage(InstanceDisk Disk, long? VirtualSize, long? AllocatedBytes);
