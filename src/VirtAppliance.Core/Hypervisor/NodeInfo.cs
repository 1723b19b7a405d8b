namespace VirtAppliance.Core.Hypervisor;

/// <summary>The host's processors and memory as the hypervisor sees them.</summary>
public sealed record NodeInfo(string CpuModel, int Cpus, int CpuMhz, long MemoryBytes, long FreeMemoryBytes);
