using System.Diagnostics;
using System.Diagnostics.Metrics;
using VirtAppliance.Core.Hypervisor;

namespace VirtAppliance.Core.Monitoring;

/// <summary>
/// The tool's metrics as a System.Diagnostics.Metrics <see cref="Meter"/> named <see cref="MeterName"/> (no web dependency: an
/// exporter such as prometheus-net or OpenTelemetry listens to it). Gauges report the VMs as the last watch pass saw them;
/// counters and histograms the service operations. Names are Prometheus-style; the list is in docs/monitoring.md.
/// prometheus-net (serve's /metrics) names a series METER_INSTRUMENT: the meter is "virt_appliance" and its instruments carry the
/// rest (vm_up), so the series are virt_appliance_vm_up and so on.
/// </summary>
public sealed class ApplianceMetrics : IDisposable
{
    public const string MeterName = "virt_appliance";

    private readonly Counter<long> operations;
    private readonly Histogram<double> durations;
    private readonly Counter<long> passes;
    private readonly Counter<long> notifications;
    private volatile IReadOnlyList<VmStatus> latest = [];

    public ApplianceMetrics()
    {
        Meter = new Meter(MeterName, typeof(ApplianceMetrics).Assembly.GetName().Version?.ToString());
        operations = Meter.CreateCounter<long>("operations", description: "Service operations (deploy, update, rollback, undeploy, start, stop, config_apply, grow) by outcome (ok, failed).");
        durations = Meter.CreateHistogram<double>("operation_duration_seconds", "s", "How long service operations took, by operation and outcome.");
        passes = Meter.CreateCounter<long>("watch_passes", description: "Watch passes run.");
        notifications = Meter.CreateCounter<long>("notifications", description: "Alert notifications sent, by channel kind and outcome (delivered, failed).");
        Meter.CreateObservableGauge("vm_state", () => Each<int>(vm => Measure(StateNumber(vm), Vm(vm))),
            description: "libvirt state of each VM: 0 missing, 1 running, 2 blocked, 3 paused, 4 shutting down, 5 shut off, 6 crashed, 7 suspended.");
        Meter.CreateObservableGauge("vm_up", () => Each<int>(vm => Measure(vm.IsActive ? 1 : 0, Vm(vm))), description: "1 while the VM runs.");
        Meter.CreateObservableGauge("vm_healthy", () => Each<int>(vm => Measure(vm.Health == HealthState.Healthy ? 1 : 0, Vm(vm))),
            description: "1 when the VM's health check passes (0 when it fails, the VM is off, or it has none).");
        Meter.CreateObservableGauge("vm_memory_bytes", () => Each<long>(vm => vm.MemoryBytes is { } bytes ? Measure(bytes, Vm(vm)) : null), "By", "Memory the VM has.");
        Meter.CreateObservableGauge("vm_cpu_seconds", () => Each<double>(vm => vm.CpuTimeSeconds is { } seconds ? Measure(seconds, Vm(vm)) : null), "s",
            "CPU time the VM's vCPUs used in this run.");
        Meter.CreateObservableGauge("disk_capacity_bytes", () => Disks((vm, disk) => disk.FileSystems.Count > 0 ? disk.FileSystems.Max(fs => fs.TotalBytes) : disk.Capacity), "By",
            "Size of each disk: its fullest file system's size where the guest reports it, else the image's capacity.");
        Meter.CreateObservableGauge("disk_used_bytes", () => Disks((vm, disk) => disk.FileSystems.Count > 0 ? disk.FileSystems.MaxBy(fs => fs.UsedPercent)!.UsedBytes : disk.HostBytes ?? disk.Allocation), "By",
            "Used bytes of each disk: of its fullest file system where the guest reports it, else what the image occupies on the host.");
        Meter.CreateObservableGauge("disk_used_ratio", () => DisksDouble((vm, disk) => disk.UsedPercent / 100),
            description: "Used share (0–1) of each disk, the figure thresholds apply to.");
        Meter.CreateObservableGauge("disk_alert_level", () => Disks((vm, disk) => disk.Level is AlertLevel.Unknown ? null : (long)disk.Level - 1),
            description: "Alert level of each disk: 0 ok, 1 warning, 2 critical.");
        Meter.CreateObservableGauge("disk_warning_ratio", () => DisksDouble((vm, disk) => disk.Threshold.Warning / 100.0), description: "Warning level of each disk (0–1).");
        Meter.CreateObservableGauge("disk_critical_ratio", () => DisksDouble((vm, disk) => disk.Threshold.Critical / 100.0), description: "Critical level of each disk (0–1).");
    }

    public Meter Meter { get; }

    /// <summary>What the last watch pass saw (the gauges report it).</summary>
    public IReadOnlyList<VmStatus> Latest => latest;

    /// <summary>Replaces what the gauges report.</summary>
    public void Observe(IReadOnlyList<VmStatus> statuses)
    {
        latest = statuses;
        passes.Add(1);
    }

    public void Delivered(IReadOnlyList<NotificationDelivery> deliveries)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        foreach (var delivery in deliveries)
            notifications.Add(1, new KeyValuePair<string, object?>("channel", delivery.Kind), new KeyValuePair<string, object?>("outcome", delivery.Delivered ? "delivered" : "failed"));
    }

    /// <summary>Runs a service operation, counting it and its duration by outcome ("ok", or "failed" when it throws).</summary>
    public async Task<T> MeasureAsync<T>(string operation, Func<Task<T>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var started = Stopwatch.GetTimestamp();
        var outcome = "failed";
        try
        {
            var result = await action().ConfigureAwait(false);
            outcome = "ok";
            return result;
        }
        finally
        {
            var tags = new TagList { { "operation", operation }, { "outcome", outcome } };
            operations.Add(1, tags);
            durations.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    public void Dispose() => Meter.Dispose();

    private static int StateNumber(VmStatus vm) => vm.DomainMissing ? 0 : vm.State switch
    {
        DomainState.Running => 1,
        DomainState.Blocked => 2,
        DomainState.Paused => 3,
        DomainState.ShuttingDown => 4,
        DomainState.ShutOff => 5,
        DomainState.Crashed => 6,
        DomainState.PMSuspended => 7,
        _ => 0,
    };

    private static KeyValuePair<string, object?>[] Vm(VmStatus vm) =>
        [new("vm", vm.Name), new("appliance", vm.Appliance), new("version", $"{vm.Version}-{vm.Release}")];

    private static KeyValuePair<string, object?>[] Disk(VmStatus vm, DiskStatus disk) =>
        [new("vm", vm.Name), new("disk", disk.Id), new("target", disk.Target), new("role", disk.Role.ToString().ToLowerInvariant())];

    private static Measurement<T> Measure<T>(T value, KeyValuePair<string, object?>[] tags) where T : struct => new(value, tags);

    private IEnumerable<Measurement<T>> Each<T>(Func<VmStatus, Measurement<T>?> measure) where T : struct =>
        latest.Select(measure).Where(measurement => measurement is not null).Select(measurement => measurement!.Value);

    private IEnumerable<Measurement<long>> Disks(Func<VmStatus, DiskStatus, long?> value) =>
        latest.SelectMany(vm => vm.Disks.Select(disk => (vm, disk, value: value(vm, disk))))
            .Where(item => item.value is not null).Select(item => new Measurement<long>(item.value!.Value, Disk(item.vm, item.disk)));

    private IEnumerable<Measurement<double>> DisksDouble(Func<VmStatus, DiskStatus, double?> value) =>
        latest.SelectMany(vm => vm.Disks.Select(disk => (vm, disk, value: value(vm, disk))))
            .Where(item => item.value is not null).Select(item => new Measurement<double>(item.value!.Value, Disk(item.vm, item.disk)));
}
