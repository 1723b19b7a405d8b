using VirtAppliance.Core.Hypervisor;

namespace VirtAppliance.Core.Deployment;

/// <summary>An instance with its live state; <see cref="DomainMissing"/> when the domain was removed behind our back.</summary>
public sealed record InstanceStatus(InstanceRecord Record, DomainState? State, bool DomainMissing);
