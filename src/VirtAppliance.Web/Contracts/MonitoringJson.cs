using VirtAppliance.Core.Monitoring;

namespace VirtAppliance.Web.Contracts;

/// <summary>
/// <c>notify add|list|remove --json</c>: a channel without its secrets. The channel records hold SMTP passwords and webhook header values;
/// only the name, kind and a description (server, recipients, URL) are shown.
/// </summary>
public sealed record NotifyChannelJson(string Name, string Kind, string Description)
{
    public static IReadOnlyList<NotifyChannelJson> From(IEnumerable<NotificationChannel> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        return [.. channels.Select(channel => new NotifyChannelJson(channel.Name, channel.Kind, channel.Description))];
    }
}

/// <summary><c>notify test --json</c>: how the test alert went on one channel.</summary>
public sealed record NotifyDeliveryJson(string Channel, string Kind, bool Delivered, int Attempts, string? Error)
{
    public static IReadOnlyList<NotifyDeliveryJson> From(IEnumerable<NotificationDelivery> deliveries)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        return [.. deliveries.Select(delivery => new NotifyDeliveryJson(delivery.Channel, delivery.Kind, delivery.Delivered, delivery.Attempts, delivery.Error))];
    }
}

/// <summary><c>watch --once --json</c>: one watch pass: how many VMs, each disk's level, the alerts that changed and their deliveries.</summary>
public sealed record WatchPassJson(DateTimeOffset At, int Vms, IReadOnlyList<WatchLevelJson> Levels, IReadOnlyList<AlertEvent> Events, IReadOnlyList<WatchDeliveryJson> Deliveries)
{
    public static WatchPassJson From(WatchResult pass)
    {
        ArgumentNullException.ThrowIfNull(pass);
        return new WatchPassJson(pass.At, pass.Vms.Count,
            [.. pass.Vms.SelectMany(vm => vm.Disks.Select(disk => new WatchLevelJson(vm.Name, disk.Id, disk.UsedPercent, disk.Level)))],
            pass.Events,
            [.. pass.Deliveries.Select(delivery => new WatchDeliveryJson(delivery.Channel, delivery.Kind, delivery.Event.Vm, delivery.Event.Disk, delivery.Event.Change,
                delivery.Delivered, delivery.Attempts, delivery.Error))]);
    }
}

/// <summary>One disk's percent used and level in a watch pass.</summary>
public sealed record WatchLevelJson(string Vm, string Disk, double? UsedPercent, AlertLevel Level);

/// <summary>One notification a watch pass sent: which channel, for which disk's change, and whether it arrived.</summary>
public sealed record WatchDeliveryJson(string Channel, string Kind, string Vm, string Disk, AlertChange Change, bool Delivered, int Attempts, string? Error);
