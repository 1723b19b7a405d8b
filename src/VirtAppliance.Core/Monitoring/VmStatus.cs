using VirtAppliance.Core.Hypervisor;

namespace VirtAppliance.Core.Monitoring;

/// <summary>
/// One VM as 'status' shows it and 'serve' publishes it: live state, health, CPU, memory and each disk's use
/// against its thresholds. This record is the JSON shape of <c>status --json</c> (snake_case), documented in
/// docs/monitoring.md; fields are only ever added.
/// </summary>
/// <param name="State">libvirt's state; null when the domain is missing.</param>
/// <param name="DomainMissing">The index knows the VM but its libvirt domain was removed behind our back.</param>
/// <param name="StartedAt">When the current run began (a local QEMU domain), else null.</param>
/// <param name="UptimeSeconds">Seconds since <paramref name="StartedAt"/>.</param>
/// <param name="Health">The appliance's health check evaluated once, now.</param>
/// <param name="HealthDetail">Why it is not healthy, or what was checked.</param>
/// <param name="CpuTimeSeconds">CPU time its vCPUs used in this run.</param>
/// <param name="GuestAgent">Whether the guest reported its file systems.</param>
/// <param name="GuestAgentDetail">Why not, when it did not.</param>
/// <param name="Level">The worst disk level of the VM.</param>
public sealed record VmStatus(
    string Name,
    string Appliance,
    string Version,
    string Release,
    string Uri,
    DomainState? State,
    bool DomainMissing,
    DateTimeOffset? StartedAt,
    double? UptimeSeconds,
    HealthState Health,
    string? HealthDetail,
    int? Vcpus,
    double? CpuTimeSeconds,
    long? MemoryBytes,
    long? MaxMemoryBytes,
    GuestAgentState GuestAgent,
    string? GuestAgentDetail,
    IReadOnlyList<DiskStatus> Disks,
    AlertLevel Level,
    DateTimeOffset CheckedAt)
{
    /// <summary>True while the domain has a running process.</summary>
    public bool IsActive => State is not (null or DomainState.ShutOff or DomainState.NoState);
}
