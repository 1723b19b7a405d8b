using System.Diagnostics;
using System.Diagnostics.Metrics;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Web.Live;

namespace VirtAppliance.Web.Monitoring;

/// <summary>
/// The serve process's meter (System.Diagnostics.Metrics; /metrics exports it through prometheus-net): per VM whether it runs and
/// its disks' sizes, read from <see cref="VmSnapshot"/> so a scrape never waits for libvirt; the operations the API and the page
/// carried out, by outcome, and how long they took.
/// </summary>
public sealed class WebMetrics : IDisposable
{
    /// <summary>The meter's name (what a MeterListener or OpenTelemetry subscribes to); prometheus-net prefixes it to each instrument's name.</summary>
    public const string MeterName = "virt_appliance";

    private readonly Meter meter = new(MeterName);
    private readonly Counter<long> operations;
    private readonly Histogram<double> durations;

    public WebMetrics(VmSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        meter.CreateObservableGauge("vm.running", () => snapshot.Vms.Select(vm => new Measurement<int>(vm.State == DomainState.Running ? 1 : 0,
                new("vm", vm.Record.Name), new("appliance", vm.Record.Appliance), new("version", $"{vm.Record.Version}-{vm.Record.Release}"))),
            description: "1 while the VM runs, 0 otherwise (shut off, paused, crashed, or its domain missing)");
        meter.CreateObservableGauge("disk.virtual_bytes", () => snapshot.Vms.SelectMany(vm => vm.Disks
                .Where(disk => disk.VirtualSize is not null)
                .Select(disk => new Measurement<long>(disk.VirtualSize!.Value, new("vm", vm.Record.Name), new("target", disk.Disk.Target),
                    new("role", disk.Disk.Role.ToString().ToLowerInvariant())))),
            unit: "bytes", description: "The size of each VM disk as the guest sees it");
        meter.CreateObservableGauge("disk.allocated_bytes", () => snapshot.Vms.SelectMany(vm => vm.Disks
                .Where(disk => disk.AllocatedBytes is not null)
                .Select(disk => new Measurement<long>(disk.AllocatedBytes!.Value, new("vm", vm.Record.Name), new("target", disk.Disk.Target),
                    new("role", disk.Disk.Role.ToString().ToLowerInvariant())))),
            unit: "bytes", description: "What each VM disk's file occupies on the host (holes and shared backing images not counted)");
        operations = meter.CreateCounter<long>("web.operations", description: "Operations carried out through the REST API and the page, by operation and outcome (ok or the error kind)");
        durations = meter.CreateHistogram<double>("web.operation.duration_seconds", unit: "s", description: "How long operations through the REST API and the page took");
    }

    /// <summary>Counts and times one operation.</summary>
    public void Record(string operation, string outcome, TimeSpan elapsed)
    {
        var tags = new TagList { { "operation", operation }, { "outcome", outcome } };
        operations.Add(1, tags);
        durations.Record(elapsed.TotalSeconds, tags);
    }

    public void Dispose() => meter.Dispose();
}
