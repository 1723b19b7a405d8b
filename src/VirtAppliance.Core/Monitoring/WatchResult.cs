namespace VirtAppliance.Core.Monitoring;

/// <summary>One watch pass: every VM's status, the alert changes it found, and how each went to each channel.</summary>
public sealed record WatchResult(DateTimeOffset At, IReadOnlyList<VmStatus> Vms, IReadOnlyList<AlertEvent> Events, IReadOnlyList<NotificationDelivery> Deliveries);
