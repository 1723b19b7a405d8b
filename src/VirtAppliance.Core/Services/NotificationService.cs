using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Internal;
using VirtAppliance.Core.Monitoring;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Services;

/// <summary>notify add / list / remove / test: the channels alerts go to (ROOT/notifications.json, 0600).</summary>
public sealed class NotificationService(ApplianceStore store, TimeProvider time, HttpClient http)
{
    /// <summary>Adds a channel, or replaces the one of that name.</summary>
    /// <exception cref="InvalidInputException">A bad name, address, port or URL (exit 3).</exception>
    public async Task<IReadOnlyList<NotificationChannel>> AddAsync(NotificationChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        Check(channel);
        using var storeLock = await store.LockAsync(cancellationToken).ConfigureAwait(false);
        var channels = (await NotificationSettings.LoadAsync(store.Root, cancellationToken).ConfigureAwait(false)).Where(other => other.Name != channel.Name).Append(channel).ToList();
        await NotificationSettings.SaveAsync(store.Root, channels, cancellationToken).ConfigureAwait(false);
        return channels;
    }

    public async Task<IReadOnlyList<NotificationChannel>> ListAsync(CancellationToken cancellationToken) =>
        await NotificationSettings.LoadAsync(store.Root, cancellationToken).ConfigureAwait(false);

    /// <exception cref="NotFoundException">No channel of that name (exit 7).</exception>
    public async Task<IReadOnlyList<NotificationChannel>> RemoveAsync(string name, CancellationToken cancellationToken)
    {
        using var storeLock = await store.LockAsync(cancellationToken).ConfigureAwait(false);
        var channels = await NotificationSettings.LoadAsync(store.Root, cancellationToken).ConfigureAwait(false);
        if (channels.All(channel => channel.Name != name))
            throw NotFound(name, channels);
        var left = channels.Where(channel => channel.Name != name).ToList();
        await NotificationSettings.SaveAsync(store.Root, left, cancellationToken).ConfigureAwait(false);
        return left;
    }

    /// <summary>Sends a test alert (VM "virt-appliance-test", disk "data", 85 %) to one channel or all, and says how each went.</summary>
    /// <exception cref="NotFoundException">No channel of that name, or none at all (exit 7).</exception>
    public async Task<IReadOnlyList<NotificationDelivery>> TestAsync(string? name, CancellationToken cancellationToken)
    {
        var channels = await NotificationSettings.LoadAsync(store.Root, cancellationToken).ConfigureAwait(false);
        if (channels.Count == 0)
            throw new NotFoundException("no notification channel is set up") { Hint = "add one: virt-appliance notify add email … or virt-appliance notify add webhook URL" };
        if (name is not null && channels.All(channel => channel.Name != name))
            throw NotFound(name, channels);
        var test = new AlertEvent("virt-appliance-test", "data", "vdb", AlertChange.Fired, AlertLevel.Warning, AlertLevel.Ok, 85, UsageBasis.FileSystem,
            DiskThreshold.Default, time.GetUtcNow());
        return await new Notifier(time, http).SendAsync([.. channels.Where(channel => name is null || channel.Name == name)], [test], cancellationToken).ConfigureAwait(false);
    }

    private static NotFoundException NotFound(string name, IReadOnlyList<NotificationChannel> channels) =>
        new($"no notification channel named '{name}'")
        {
            Hint = Spelling.Suggest(name, [.. channels.Select(channel => channel.Name)]) is { } close ? $"did you mean '{close}'? 'virt-appliance notify list' shows them"
                : "'virt-appliance notify list' shows them",
        };

    private static void Check(NotificationChannel channel)
    {
        if (string.IsNullOrWhiteSpace(channel.Name) || channel.Name.Any(character => !(char.IsAsciiLetterOrDigit(character) || character is '-' or '_' or '.')))
            throw new InvalidInputException($"'{channel.Name}' is not a channel name") { Hint = "use letters, digits, '-', '_' and '.'" };
        switch (channel)
        {
            case EmailChannel email:
                if (email.Port is < 1 or > 65535)
                    throw new InvalidInputException($"SMTP port {email.Port} is not a port") { Hint = "587 (STARTTLS), 465 (TLS) or 25" };
                if (string.IsNullOrWhiteSpace(email.Host))
                    throw new InvalidInputException("no SMTP host") { Hint = "give --smtp HOST[:PORT]" };
                if (email.To.Count == 0)
                    throw new InvalidInputException("no recipient") { Hint = "give --to ADDRESS (repeatable)" };
                foreach (var address in email.To.Append(email.From))
                {
                    if (!MimeKit.MailboxAddress.TryParse(address, out _) || !address.Contains('@', StringComparison.Ordinal))
                        throw new InvalidInputException($"'{address}' is not a mail address") { Hint = "write it as name@example.org" };
                }
                if (email.User is not null && email.Security == SmtpSecurity.None)
                    throw new InvalidInputException("a password would cross the network in plain text (--tls none with --user)")
                    {
                        Hint = "use --tls starttls or --tls tls with a user, or leave --user out for a relay that needs none",
                    };
                break;
            case WebhookChannel webhook:
                if (!webhook.Url.IsAbsoluteUri || webhook.Url.Scheme is not ("http" or "https"))
                    throw new InvalidInputException($"'{webhook.Url}' is not an http or https URL") { Hint = "write it as https://host/path" };
                if (webhook.Attempts is < 1 or > 20)
                    throw new InvalidInputException($"--attempts {webhook.Attempts}: between 1 and 20");
                break;
        }
    }
}
