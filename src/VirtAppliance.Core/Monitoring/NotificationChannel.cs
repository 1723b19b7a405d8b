using System.Text.Json.Serialization;

namespace VirtAppliance.Core.Monitoring;

/// <summary>Where alerts go: a closed union (email, webhook), stored in ROOT/notifications.json with its kind as "kind".</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(EmailChannel), "email")]
[JsonDerivedType(typeof(WebhookChannel), "webhook")]
public abstract record NotificationChannel
{
    private protected NotificationChannel()
    {
    }

    /// <summary>How 'notify' verbs name it.</summary>
    public required string Name { get; init; }

    /// <summary>"email" or "webhook".</summary>
    [JsonIgnore]
    public abstract string Kind { get; }

    /// <summary>What it sends to, without secrets (for 'notify list' and logs).</summary>
    [JsonIgnore]
    public abstract string Description { get; }
}
