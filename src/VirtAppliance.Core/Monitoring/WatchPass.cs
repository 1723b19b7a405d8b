using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Monitoring;

/// <summary>
/// What a watch pass changes: each disk's level (already with hysteresis, see <see cref="AlertRules"/>) against the alert
/// the index holds for it. A level that could not be measured changes nothing; an alert of a disk the VM no longer has is dropped silently.
/// </summary>
internal static class WatchPass
{
    public static (IReadOnlyList<AlertEvent> Events, IReadOnlyList<(string Vm, string Disk, StoredAlert? Alert)> Changes) Compare(
        IReadOnlyList<VmStatus> statuses, IReadOnlyList<StoredAlert> stored, DateTimeOffset now)
    {
        var byKey = stored.ToDictionary(alert => (alert.Vm, alert.Disk));
        var events = new List<AlertEvent>();
        var changes = new List<(string, string, StoredAlert?)>();
        var seen = new HashSet<(string, string)>();
        foreach (var status in statuses)
        {
            foreach (var disk in status.Disks)
            {
                seen.Add((status.Name, disk.Id));
                var previousAlert = byKey.GetValueOrDefault((status.Name, disk.Id));
                var previous = previousAlert is null ? AlertLevel.Ok : AlertRules.Parse(previousAlert.Level);
                if (disk.Level is AlertLevel.Unknown || disk.Level == previous || disk.UsedPercent is not { } used)
                    continue;
                var change = (previous, disk.Level) switch
                {
                    (AlertLevel.Ok, _) => AlertChange.Fired,
                    (_, AlertLevel.Ok) => AlertChange.Cleared,
                    (AlertLevel.Warning, AlertLevel.Critical) => AlertChange.Raised,
                    _ => AlertChange.Lowered,
                };
                events.Add(new AlertEvent(status.Name, disk.Id, disk.Target, change, disk.Level, previous, used, disk.Basis, disk.Threshold, now));
                changes.Add((status.Name, disk.Id, disk.Level == AlertLevel.Ok ? null
                    : new StoredAlert(status.Name, disk.Id, AlertRules.Spell(disk.Level), used, change == AlertChange.Fired ? now : previousAlert!.Since)));
            }
        }
        // VMs this pass read and their disks are gone: their alerts go without a notification.
        var read = statuses.Select(status => status.Name).ToHashSet(StringComparer.Ordinal);
        changes.AddRange(stored.Where(alert => read.Contains(alert.Vm) && !seen.Contains((alert.Vm, alert.Disk))).Select(alert => (alert.Vm, alert.Disk, (StoredAlert?)null)));
        return (events, changes);
    }
}
