namespace VirtAppliance.Core.Monitoring;

/// <summary>Alerts by mail through an SMTP server (MailKit), one mail per alert change.</summary>
/// <param name="Password">Never shown; kept in the 0600 notifications file.</param>
public sealed record EmailChannel(string Host, int Port, SmtpSecurity Security, string From, IReadOnlyList<string> To, string? User = null, string? Password = null)
    : NotificationChannel
{
    [System.Text.Json.Serialization.JsonIgnore]
    public override string Kind => "email";

    [System.Text.Json.Serialization.JsonIgnore]
    public override string Description =>
        $"mail to {string.Join(", ", To)} from {From} via {Host}:{Port} ({SmtpSecuritySpelling.ToText(Security)}" + (User is null ? "" : $", as {User}, password set") + ")";
}
