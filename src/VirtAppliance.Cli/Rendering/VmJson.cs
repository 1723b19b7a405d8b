using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Images;

namespace VirtAppliance.Cli.Rendering;

/// <summary>The stable JSON shape of a VM (vms, deploy, start, stop).</summary>
internal static class VmJson
{
    public static object From(InstanceStatus status)
    {
        var record = status.Record;
        return new
        {
            record.Name,
            Uuid = record.Uuid,
            Appliance = record.Appliance,
            record.Version,
            record.Release,
            PackageSha256 = record.PackageSha256,
            State = StateText(status),
            DomainMissing = status.DomainMissing,
            Unindexed = status.Unindexed,
            Uri = record.Uri,
            Disks = status.Disks.Select(usage => new
            {
                usage.Disk.Target,
                Role = usage.Disk.Role.ToString().ToLowerInvariant(),
                Format = usage.Disk.Format.ToText(),
                usage.Disk.Path,
                VirtualSize = usage.VirtualSize,
                AllocatedSize = usage.AllocatedBytes,
            }),
            Forwards = record.Forwards.Select(forward => new { forward.Address, forward.HostPort, forward.GuestPort, Protocol = "tcp", forward.Interface }),
            Network = record.Network,
            SiteValues = record.SiteValues,
            ConfigDisk = record.ConfigDisk,
            ConfigPending = record.PendingValues is not null,
            ConsoleLog = record.ConsoleLog,
            Previous = record.Previous is { } previous ? $"{previous.Version}-{previous.Release}" : null,
        };
    }

    public static string StateText(InstanceStatus status) =>
        status.DomainMissing ? "missing (domain removed outside virt-appliance)"
        : (status.Unindexed ? "not in the index, " : "") + status.State switch
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
