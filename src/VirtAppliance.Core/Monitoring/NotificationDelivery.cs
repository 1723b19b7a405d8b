namespace VirtAppliance.Core.Monitoring;

/// <summary>How one alert change went to one channel.</summary>
/// <param name="Attempts">Tries made (webhooks retry).</param>
/// <param name="Error">Why it was not delivered; null when it was.</param>
public sealed record NotificationDelivery(string Channel, string Kind, AlertEvent Event, bool Delivered, int Attempts, string? Error);
