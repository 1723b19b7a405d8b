using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Deployment;

/// <summary>An instance with its live state and its disks' sizes.</summary>
/// <param name="DomainMissing">The index knows the VM but its libvirt domain was removed behind our back.</param>
/// <param name="Unindexed">A libvirt domain carries our metadata but the index has no row for it ('vms --repair' adopts it).</param>
public sealed record InstanceStatus(InstanceRecord Record, DomainState? State, bool DomainMissing, IReadOnlyList<DiskUsage> Disks, bool Unindexed = false);
