using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Images;

namespace VirtAppliance.Web.Contracts;

/// <summary>The stable JSON shape of a VM: <c>vms --json</c>, deploy, start, stop, and GET /api/v1/vms.</summary>
/// <param name="State">In words: running, shut off, paused … or "missing (domain removed outside virt-appliance)".</param>
/// <param name="SiteValues">The site values set for it; passwords are never among them.</param>
/// <param name="Previous">VERSION-RELEASE a rollback returns to; null before any update.</param>
public sealed record VmJson(
    string Name,
    Guid Uuid,
    string Appliance,
    string Version,
    string Release,
    string PackageSha256,
    string State,
    bool DomainMissing,
    bool Unindexed,
    string Uri,
    IReadOnlyList<VmDiskJson> Disks,
    IReadOnlyList<ForwardJson> Forwards,
    string Network,
    IReadOnlyDictionary<string, string> SiteValues,
    string? ConfigDisk,
    bool ConfigPending,
    string ConsoleLog,
    string? Previous)
{
    public static VmJson From(InstanceStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var record = status.Record;
        return new VmJson(record.Name, record.Uuid, record.Appliance, record.Version, record.Release, record.PackageSha256, StateText(status),
            status.DomainMissing, status.Unindexed, record.Uri,
            [.. status.Disks.Select(usage => new VmDiskJson(usage.Disk.Target, usage.Disk.Role.ToString().ToLowerInvariant(), usage.Disk.Format.ToText(),
                usage.Disk.Path, usage.VirtualSize, usage.AllocatedBytes))],
            [.. record.Forwards.Select(forward => new ForwardJson(forward.Address, forward.HostPort, forward.GuestPort, "tcp", forward.Interface))],
            record.Network, record.SiteValues, record.ConfigDisk, record.PendingValues is not null, record.ConsoleLog,
            record.Previous is { } previous ? $"{previous.Version}-{previous.Release}" : null);
    }

    public static string StateText(InstanceStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status.DomainMissing ? "missing (domain removed outside virt-appliance)"
            : (status.Unindexed ? "not in the index, " : "") + StateText(status.State);
    }

    public static string StateText(DomainState? state) => state switch
    {
        DomainState.Running => "running",
        DomainState.ShutOff => "shut off",
        DomainState.Paused => "paused",
        DomainState.ShuttingDown => "shutting down",
        DomainState.Crashed => "crashed",
        DomainState.Blocked => "blocked",
        DomainState.PMSuspended => "suspended",
        _ => "unknown",
    };
}

/// <summary>One disk of a VM: what the guest sees (<paramref name="VirtualSize"/>) and what its file holds on the host.</summary>
public sealed record VmDiskJson(string Target, string Role, string Format, string Path, long? VirtualSize, long? AllocatedSize);

/// <summary>A host port forwarded to the guest.</summary>
public sealed record ForwardJson(string Address, int HostPort, int GuestPort, string Protocol, int Interface);
