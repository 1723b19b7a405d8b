namespace VirtAppliance.Core.Descriptors;

/// <summary>The least a host must offer beyond what the boots say.</summary>
public sealed record HostRequirements(long? MinMemoryKiB, int? MinVcpus);
