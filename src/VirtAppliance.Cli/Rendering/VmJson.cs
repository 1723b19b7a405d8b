using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Images;
using VirtAppliance.Core.Services;

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
            Uri = record.Uri,
            Disks = record.Disks.Select(disk => new
            {
                disk.Target,
                Role = disk.Role.ToString().ToLowerInvariant(),
                disk.Format,
                disk.Path,
                VirtualSize = File.Exists(disk.Path) ? ImageInspector.InspectAsync(disk.Path, CancellationToken.None).GetAwaiter().GetResult().VirtualSize : (long?)null,
                AllocatedSize = FileAllocation.AllocatedBytes(disk.Path),
            }),
            ConsoleLog = record.ConsoleLog,
            Previous = record.Previous is { } previous ? $"{previous.Version}-{previous.Release}" : null,
        };
    }

    public static string StateText(InstanceStatus status) =>
        status.DomainMissing ? "missing (domain removed outside virt-appliance)"
        : status.State switch
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
