namespace VirtAppliance.Core.Monitoring;

/// <summary>Alerts as a JSON POST (an <see cref="AlertEvent"/>, snake_case) to a URL, retried with exponential backoff.</summary>
/// <param name="Headers">Sent with every POST (e.g. Authorization); their values are never shown.</param>
/// <param name="Attempts">How many times a POST is tried before the alert counts as not delivered.</param>
/// <param name="BackoffSeconds">The wait after the first failure; it doubles after each further one.</param>
public sealed record WebhookChannel(Uri Url, IReadOnlyDictionary<string, string>? Headers = null, int Attempts = 5, double BackoffSeconds = 2) : NotificationChannel
{
    [System.Text.Json.Serialization.JsonIgnore]
    public override string Kind => "webhook";

    [System.Text.Json.Serialization.JsonIgnore]
    public override string Description =>
        $"POST to {Url.GetLeftPart(UriPartial.Path)}" + (Headers is { Count: > 0 } headers ? $" with {string.Join(", ", headers.Keys)} (values hidden)" : "")
        + $", {Attempts} attempts";
}
