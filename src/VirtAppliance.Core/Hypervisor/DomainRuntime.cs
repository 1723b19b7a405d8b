namespace VirtAppliance.Core.Hypervisor;

/// <summary>What a domain uses right now (libvirt's domain info).</summary>
/// <param name="VirtualCpus">vCPUs the domain has.</param>
/// <param name="CpuTime">CPU time its vCPUs used since it started (zero when shut off).</param>
/// <param name="MemoryKiB">Memory the domain has now (its balloon's size).</param>
/// <param name="MaxMemoryKiB">The most it may have.</param>
/// <param name="StartedAt">When its current run began, where the hypervisor can tell (a local QEMU domain's process); null otherwise or when shut off.</param>
public sealed record DomainRuntime(int VirtualCpus, TimeSpan CpuTime, long MemoryKiB, long MaxMemoryKiB, DateTimeOffset? StartedAt);
