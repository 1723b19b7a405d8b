using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace VirtAppliance.Core.Monitoring;

/// <summary>
/// Sends alert changes to channels: a mail each through MailKit (a maintained SMTP client: STARTTLS, TLS, AUTH,
/// pipelining, which a hand-written client would get wrong), a JSON POST each to webhooks with retries and
/// exponential backoff. Failures are returned, never thrown: one dead channel must not keep the others from their alerts.
/// </summary>
internal sealed class Notifier(TimeProvider time, HttpClient http)
{
    /// <summary>The webhook body's shape: the event, snake_case, enums as text.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static readonly TimeSpan SmtpTimeout = TimeSpan.FromSeconds(30);

    public async Task<IReadOnlyList<NotificationDelivery>> SendAsync(IReadOnlyList<NotificationChannel> channels, IReadOnlyList<AlertEvent> events,
        CancellationToken cancellationToken)
    {
        var deliveries = new List<NotificationDelivery>();
        if (events.Count == 0)
            return deliveries;
        foreach (var channel in channels)
        {
            foreach (var alert in events)
            {
                var (delivered, attempts, error) = channel switch
                {
                    EmailChannel email => await MailAsync(email, alert, cancellationToken).ConfigureAwait(false),
                    WebhookChannel webhook => await PostAsync(webhook, alert, cancellationToken).ConfigureAwait(false),
                    _ => (false, 0, $"unknown channel kind {channel.Kind}"),
                };
                deliveries.Add(new NotificationDelivery(channel.Name, channel.Kind, alert, delivered, attempts, error));
            }
        }
        return deliveries;
    }

    private static async Task<(bool, int, string?)> MailAsync(EmailChannel email, AlertEvent alert, CancellationToken cancellationToken)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(email.From));
        foreach (var to in email.To)
            message.To.Add(MailboxAddress.Parse(to));
        message.Subject = $"[virt-appliance] {alert.Summary}";
        message.Body = new TextPart("plain") { Text = MailText(alert) };
        using var client = new SmtpClient { Timeout = (int)SmtpTimeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(email.Host, email.Port, email.Security switch
            {
                SmtpSecurity.None => SecureSocketOptions.None,
                SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
                SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
                _ => SecureSocketOptions.Auto,
            }, cancellationToken).ConfigureAwait(false);
            if (email.User is { } user)
                await client.AuthenticateAsync(user, email.Password ?? "", cancellationToken).ConfigureAwait(false);
            await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
            return (true, 1, null);
        }
        catch (Exception error) when (error is IOException or System.Net.Sockets.SocketException or MailKit.ProtocolException or MailKit.CommandException
            or AuthenticationException or SslHandshakeException or TimeoutException)
        {
            return (false, 1, $"SMTP {email.Host}:{email.Port}: {error.Message}");
        }
    }

    private static string MailText(AlertEvent alert) => string.Create(CultureInfo.InvariantCulture, $"""
        {alert.Summary}

        VM:          {alert.Vm}
        disk:        {alert.Disk} ({alert.Target})
        change:      {alert.Change.ToString().ToLowerInvariant()} ({AlertRules.Spell(alert.PreviousLevel)} -> {AlertRules.Spell(alert.Level)})
        used:        {alert.UsedPercent:0.##}% of {(alert.Basis == UsageBasis.FileSystem ? "the file system the guest reports" : "the disk image's capacity (allocation)")}
        levels:      warning {alert.Threshold.Warning}%, critical {alert.Threshold.Critical}% (an alert clears {AlertRules.Hysteresis:0} points below its level)
        at:          {alert.At:u}

        'virt-appliance status {alert.Vm}' shows the VM; 'virt-appliance grow {alert.Vm} {alert.Disk} SIZE' gives the disk more room.
        """);

    private async Task<(bool, int, string?)> PostAsync(WebhookChannel webhook, AlertEvent alert, CancellationToken cancellationToken)
    {
        var attempts = Math.Max(1, webhook.Attempts);
        var delay = TimeSpan.FromSeconds(Math.Max(0, webhook.BackoffSeconds));
        string? problem = null;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                delay *= 2;
            }
            using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = JsonContent.Create(alert, options: Json) };
            foreach (var (name, value) in webhook.Headers ?? new Dictionary<string, string>())
                request.Headers.TryAddWithoutValidation(name, value);
            try
            {
                using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                    return (true, attempt, null);
                problem = $"{webhook.Url.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode} {response.ReasonPhrase}";
                // The receiver refuses this request as such: sending it again cannot help.
                if ((int)response.StatusCode is >= 400 and < 500 && response.StatusCode is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests))
                    return (false, attempt, problem);
            }
            catch (HttpRequestException error)
            {
                problem = $"{webhook.Url.GetLeftPart(UriPartial.Path)}: {error.Message}";
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                problem = $"{webhook.Url.GetLeftPart(UriPartial.Path)}: no answer within {http.Timeout.TotalSeconds:0} s";
            }
        }
        return (false, attempts, problem);
    }
}
