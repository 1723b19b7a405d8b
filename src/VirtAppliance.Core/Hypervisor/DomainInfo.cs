namespace VirtAppliance.Core.Hypervisor;

/// <summary>A domain as listed by the hypervisor: its identity and its state at that moment.</summary>
public sealed record DomainInfo(string Name, Guid Uuid, DomainStatus Status);
