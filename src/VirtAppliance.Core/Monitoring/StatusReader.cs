using System.Text.RegularExpressions;
using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Images;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Monitoring;

/// <summary>Reads one VM's status from libvirt, its console log and, where the appliance asks for one, its guest agent.</summary>
internal sealed class StatusReader(IHypervisor hypervisor, TimeProvider time)
{
    /// <summary>How long a status waits for the guest agent.</summary>
    public static readonly TimeSpan AgentTimeout = TimeSpan.FromSeconds(5);

    /// <param name="descriptor">The descriptor of the version the VM runs; null when that version is no longer installed.</param>
    /// <param name="alerts">The VM's active alerts by disk id (the last watch pass's levels).</param>
    public async Task<VmStatus> ReadAsync(InstanceRecord record, ApplianceDescriptor? descriptor, IReadOnlyDictionary<string, StoredAlert> alerts,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var domain = hypervisor.FindDomain(record.Uuid);
        var name = domain?.Name ?? record.Name;
        var active = domain?.Status.IsActive == true;
        DomainRuntime? runtime = null;
        if (domain is not null)
        {
            try
            {
                runtime = hypervisor.GetRuntime(name);
            }
            catch (HypervisorException)
            {
                // Gone between the two calls: shown as what was seen.
            }
        }

        var (health, healthDetail) = active ? await HealthAsync(record, name, descriptor?.Health, cancellationToken).ConfigureAwait(false) : (HealthState.Stopped, null);
        var (agent, agentDetail, fileSystems) = ReadGuest(record, name, descriptor, active);
        var disks = new List<DiskStatus>();
        foreach (var disk in record.Disks)
        {
            var (capacity, allocation, physical) = await SizesAsync(domain is null ? null : name, disk, cancellationToken).ConfigureAwait(false);
            var onDisk = fileSystems?.GetValueOrDefault(disk.Target) ?? [];
            var hostBytes = File.Exists(disk.Path) ? FileAllocation.AllocatedBytes(disk.Path) : null;
            var (threshold, source) = record.Thresholds.TryGetValue(disk.DiskId, out var site) ? (site, ThresholdSource.Site)
                : descriptor?.FindDisk(disk.DiskId)?.Threshold is { } supplier ? (supplier, ThresholdSource.Appliance)
                : (DiskThreshold.Default, ThresholdSource.Default);
            double? used;
            UsageBasis basis;
            if (onDisk.Count > 0)
                (used, basis) = (onDisk.Max(fs => fs.UsedPercent), UsageBasis.FileSystem);
            else if (agent == GuestAgentState.NotAnswering)
                // The guest would report; its image's allocation says something else (deleted files stay allocated): no guess.
                (used, basis) = (null, UsageBasis.None);
            else if (capacity is > 0 && (hostBytes ?? allocation) is { } allocated)
                (used, basis) = (Math.Min(100.0, 100.0 * allocated / capacity.Value), UsageBasis.Allocation);
            else
                (used, basis) = (null, UsageBasis.None);
            var previous = alerts.TryGetValue(disk.DiskId, out var alert) ? AlertRules.Parse(alert.Level) : (AlertLevel?)null;
            var level = used is null ? previous ?? AlertLevel.Unknown : AlertRules.Next(previous ?? AlertLevel.Ok, used, threshold);
            disks.Add(new DiskStatus(disk.DiskId, disk.Target, disk.Role, disk.Path, capacity, allocation, physical, onDisk, used is null ? null : Math.Round(used.Value, 2),
                basis, threshold, source, level) { HostBytes = hostBytes });
        }

        return new VmStatus(record.Name, record.Appliance, record.Version, record.Release, record.Uri, domain?.Status.State, domain is null,
            active ? runtime?.StartedAt : null,
            active && runtime?.StartedAt is { } started ? Math.Max(0, Math.Round((now - started).TotalSeconds)) : null,
            health, healthDetail, runtime?.VirtualCpus, runtime is null ? null : Math.Round(runtime.CpuTime.TotalSeconds, 3),
            runtime?.MemoryKiB * 1024, runtime?.MaxMemoryKiB * 1024, agent, agentDetail, disks,
            disks.Count == 0 ? AlertLevel.Unknown : disks.Max(disk => disk.Level), now);
    }

    /// <summary>A VM whose libvirt cannot be reached: what the index knows, its levels as the last pass left them.</summary>
    public static VmStatus Unreachable(InstanceRecord record, IReadOnlyDictionary<string, StoredAlert> alerts, string problem, DateTimeOffset now)
    {
        var disks = record.Disks.Select(disk => new DiskStatus(disk.DiskId, disk.Target, disk.Role, disk.Path, null, null, null, [], null, UsageBasis.None,
            record.Thresholds.GetValueOrDefault(disk.DiskId) ?? DiskThreshold.Default,
            record.Thresholds.ContainsKey(disk.DiskId) ? ThresholdSource.Site : ThresholdSource.Default,
            alerts.TryGetValue(disk.DiskId, out var alert) ? AlertRules.Parse(alert.Level) : AlertLevel.Unknown)).ToList();
        return new VmStatus(record.Name, record.Appliance, record.Version, record.Release, record.Uri, null, false, null, null, HealthState.Unknown,
            $"libvirt at {record.Uri} cannot be reached: {problem}", null, null, null, null, GuestAgentState.NotAnswering, null, disks,
            disks.Count == 0 ? AlertLevel.Unknown : disks.Max(disk => disk.Level), now);
    }

    /// <summary>The descriptor's health check evaluated once: its console line in this boot's log, its TCP port accepting a connection.</summary>
    private async Task<(HealthState, string?)> HealthAsync(InstanceRecord record, string name, HealthCheck? health, CancellationToken cancellationToken)
    {
        if (health is null)
            return (HealthState.Unknown, "the appliance declares no health check");
        var problems = new List<string>();
        if (health.ConsolePattern is { } consolePattern)
        {
            var pattern = new Regex(consolePattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            if (!ConsoleLog.ReadLines(record.ConsoleLog).Any(pattern.IsMatch))
                problems.Add($"no console line matched /{consolePattern}/ in this boot");
        }
        if (health.TcpPort is { } port)
        {
            var probe = PortPlan.HealthProbe(health, record.Forwards, () => hypervisor.QemuMonitorCommand(name, "info usernet"));
            if (probe is null)
                problems.Add($"guest port {port} is not forwarded from the host, so it cannot be probed");
            else
            {
                try
                {
                    if (!await probe.IsOpenAsync(time, cancellationToken).ConfigureAwait(false))
                        problems.Add($"{probe} does not accept connections");
                }
                catch (HypervisorException error)
                {
                    problems.Add($"{probe} could not be probed: {error.Message}");
                }
            }
        }
        return problems.Count == 0 ? (HealthState.Healthy, null) : (HealthState.Unhealthy, string.Join("; ", problems));
    }

    private (GuestAgentState, string?, IReadOnlyDictionary<string, IReadOnlyList<FileSystemUsage>>?) ReadGuest(
        InstanceRecord record, string name, ApplianceDescriptor? descriptor, bool active)
    {
        if (descriptor?.Devices.GuestAgent != true)
            return (GuestAgentState.NotConfigured, "the appliance does not ask for a guest agent (<guest-agent/> in its <devices>)", null);
        if (!active)
            return (GuestAgentState.NotAnswering, "the VM is not running", null);
        try
        {
            var answer = hypervisor.QemuAgentCommand(name, GuestFileSystems.Command, AgentTimeout);
            var map = GuestFileSystems.Map(answer, hypervisor.GetXml(name), [.. record.Disks.Select(disk => disk.Target)]);
            return (GuestAgentState.Answering, null, map);
        }
        catch (Exception error) when (error is HypervisorException or InvalidDataException)
        {
            return (GuestAgentState.NotAnswering, error.Message, null);
        }
    }

    private async Task<(long?, long?, long?)> SizesAsync(string? domain, InstanceDisk disk, CancellationToken cancellationToken)
    {
        if (domain is not null)
        {
            try
            {
                var info = hypervisor.GetBlockInfo(domain, disk.Target);
                return (info.Capacity, info.Allocation, info.Physical);
            }
            catch (HypervisorException)
            {
                // The driver cannot tell (the test driver, a file gone): the file itself can.
            }
        }
        if (!File.Exists(disk.Path))
            return (null, null, null);
        long? capacity = null;
        try
        {
            capacity = (await ImageInspector.InspectAsync(disk.Path, cancellationToken).ConfigureAwait(false)).VirtualSize;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // Shown without a capacity.
        }
        return (capacity, FileAllocation.AllocatedBytes(disk.Path), new FileInfo(disk.Path).Length);
    }
}
