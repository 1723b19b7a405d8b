using System.Diagnostics.Metrics;
using Shouldly;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Monitoring;
using Xunit;

namespace VirtAppliance.Core.Tests.Monitoring;

/// <summary>What an exporter listening to the "virt_appliance" meter sees (prometheus-net names the series virt_appliance_INSTRUMENT).</summary>
public class ApplianceMetricsTests
{
    [Fact]
    public async Task Operations_are_counted_by_outcome_and_gauges_report_the_last_pass()
    {
        // Given a listener like an exporter's
        using var metrics = new ApplianceMetrics();
        var seen = new List<(string Name, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, meterListener) =>
            {
                if (ReferenceEquals(instrument.Meter, metrics.Meter))
                    meterListener.EnableMeasurementEvents(instrument);
            },
        };
        void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        {
            lock (seen)
                seen.Add((instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), tags.ToArray().ToDictionary(tag => tag.Key, tag => tag.Value)));
        }
        listener.SetMeasurementEventCallback<long>(Record);
        listener.SetMeasurementEventCallback<int>(Record);
        listener.SetMeasurementEventCallback<double>(Record);
        listener.Start();

        // When one deploy succeeds, one fails, and a pass saw a VM with a disk in warning
        await metrics.MeasureAsync("deploy", () => Task.FromResult(1));
        await Should.ThrowAsync<InvalidOperationException>(() => metrics.MeasureAsync<int>("deploy", () => throw new InvalidOperationException("boom")));
        metrics.Observe([new VmStatus("web", "tiny", "1.0", "1", "qemu:///system", DomainState.Running, false, null, null, HealthState.Healthy, null, 1, 2, 1024, 1024,
            GuestAgentState.Answering, null,
            [new DiskStatus("data", "vdb", DiskRole.User, "/x", 100, 60, 100, [new FileSystemUsage("/data", "ext4", "/dev/vdb", 85, 100)], 85, UsageBasis.FileSystem,
                new DiskThreshold(80, 90), ThresholdSource.Default, AlertLevel.Warning)],
            AlertLevel.Warning, DateTimeOffset.UnixEpoch)]);
        listener.RecordObservableInstruments();

        // Then
        seen.Where(item => item.Name == "operations").Select(item => (string)item.Tags["outcome"]!).Order(StringComparer.Ordinal).ShouldBe(["failed", "ok"]);
        seen.Count(item => item.Name == "operation_duration_seconds").ShouldBe(2);
        seen.Single(item => item.Name == "disk_used_ratio").Value.ShouldBe(0.85, 0.0001);
        seen.Single(item => item.Name == "disk_used_bytes").Value.ShouldBe(85);
        seen.Single(item => item.Name == "disk_capacity_bytes").Value.ShouldBe(100);
        seen.Single(item => item.Name == "disk_alert_level").Value.ShouldBe(1);
        seen.Single(item => item.Name == "disk_alert_level").Tags["disk"].ShouldBe("data");
        seen.Single(item => item.Name == "vm_state").Value.ShouldBe(1);
        seen.Single(item => item.Name == "vm_healthy").Value.ShouldBe(1);
    }
}
