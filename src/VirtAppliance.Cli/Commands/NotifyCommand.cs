using System.CommandLine;
using System.Globalization;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Monitoring;

using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Cli.Commands;

/// <summary>notify add email|webhook, list, remove, test: where alerts go. Secrets are read from files and never printed.</summary>
internal static class NotifyCommand
{
    public static Command Create(GlobalOptions globals, Output output)
    {
        var command = new Command("notify", """
            Where disk alerts go: mail through an SMTP server, or a JSON POST to a webhook (retried
            with exponential backoff). Each alert that fires, changes level or clears is sent once to
            every channel. Channels live in ROOT/notifications.json (mode 0600); passwords and header
            values are never printed.

            Examples:
              virt-appliance notify add email ops --smtp smtp.example.org:587 --from va@example.org --to ops@example.org --user va --password-file /etc/va-smtp
              virt-appliance notify add webhook chat https://hooks.example.org/va --header-file /etc/va-hook-headers
              virt-appliance notify list
              virt-appliance notify test ops
              virt-appliance notify remove chat
            """);
        command.Subcommands.Add(Add(globals, output));
        command.Subcommands.Add(List(globals, output));
        command.Subcommands.Add(Remove(globals, output));
        command.Subcommands.Add(Test(globals, output));
        return command;
    }

    private static Command Add(GlobalOptions globals, Output output)
    {
        var add = new Command("add", "Add a channel (or replace the one of that name)");
        var name = new Argument<string>("NAME") { Description = "What the channel is called (letters, digits, - _ .)" };
        var smtp = new Option<string>("--smtp") { Description = "The SMTP server, HOST[:PORT] (port 587 unless given)", Required = true, HelpName = "HOST[:PORT]" };
        var tls = new Option<string>("--tls") { Description = "auto (STARTTLS when offered; TLS on 465), starttls, tls, or none (a trusted relay)", DefaultValueFactory = _ => "auto", HelpName = "MODE" };
        var from = new Option<string>("--from") { Description = "The sender address", Required = true, HelpName = "ADDRESS" };
        var to = new Option<string[]>("--to") { Description = "A recipient (repeatable)", Required = true, HelpName = "ADDRESS", AllowMultipleArgumentsPerToken = false };
        var user = new Option<string?>("--user") { Description = "Log in to the server as this user", HelpName = "USER" };
        var passwordFile = new Option<string?>("--password-file") { Description = "The password, read from this file (first line)", HelpName = "FILE" };
        var email = new Command("email", "Alerts by mail") { name, smtp, tls, from, to, user, passwordFile };
        CliApplication.SetHandler(email, globals, output, async (context, cancellationToken) =>
        {
            var (host, port) = HostPort(context.Get(smtp)!);
            if (!SmtpSecuritySpelling.TryParse(context.Get(tls)!, out var security))
                throw new InvalidInputException($"--tls {context.Get(tls)}: not a mode") { Hint = $"use one of {string.Join(", ", SmtpSecuritySpelling.Names)}" };
            var password = context.Get(passwordFile) is { } file ? (await ReadSecretAsync(file, cancellationToken).ConfigureAwait(false)) : null;
            if (password is not null && context.Get(user) is null)
                throw new InvalidInputException("--password-file needs --user") { Hint = "give the user name the server knows the password by" };
            var channel = new EmailChannel(host, port, security, context.Get(from)!, context.Get(to) ?? [], context.Get(user), password) { Name = context.Get(name) };
            Report(context, await context.Services.Notifications.AddAsync(channel, cancellationToken).ConfigureAwait(false), $"added {channel.Name}: {channel.Description}");
            return ExitCodes.Success;
        });

        var webhookName = new Argument<string>("NAME") { Description = "What the channel is called (letters, digits, - _ .)" };
        var url = new Argument<string>("URL") { Description = "Where the JSON POST goes (http or https)" };
        var headerFile = new Option<string?>("--header-file") { Description = "Headers sent with each POST, one 'Name: value' a line (e.g. Authorization); kept secret", HelpName = "FILE" };
        var attempts = new Option<int>("--attempts") { Description = "Tries before an alert counts as not delivered", DefaultValueFactory = _ => 5, HelpName = "N" };
        var backoff = new Option<double>("--backoff") { Description = "Seconds to wait after the first failure; doubles after each further one", DefaultValueFactory = _ => 2, HelpName = "SECONDS" };
        var webhook = new Command("webhook", "Alerts as a JSON POST") { webhookName, url, headerFile, attempts, backoff };
        CliApplication.SetHandler(webhook, globals, output, async (context, cancellationToken) =>
        {
            if (!Uri.TryCreate(context.Get(url), UriKind.Absolute, out var uri))
                throw new InvalidInputException($"'{context.Get(url)}' is not a URL") { Hint = "write it as https://host/path" };
            var headers = context.Get(headerFile) is { } file ? await ReadHeadersAsync(file, cancellationToken).ConfigureAwait(false) : null;
            var channel = new WebhookChannel(uri, headers, context.Get(attempts), context.Get(backoff)) { Name = context.Get(webhookName) };
            Report(context, await context.Services.Notifications.AddAsync(channel, cancellationToken).ConfigureAwait(false), $"added {channel.Name}: {channel.Description}");
            return ExitCodes.Success;
        });
        add.Subcommands.Add(email);
        add.Subcommands.Add(webhook);
        return add;
    }

    private static Command List(GlobalOptions globals, Output output)
    {
        var list = new Command("list", "The channels, without their secrets");
        CliApplication.SetHandler(list, globals, output, async (context, cancellationToken) =>
        {
            Report(context, await context.Services.Notifications.ListAsync(cancellationToken).ConfigureAwait(false), null);
            return ExitCodes.Success;
        });
        return list;
    }

    private static Command Remove(GlobalOptions globals, Output output)
    {
        var name = new Argument<string>("NAME") { Description = "A channel" };
        var remove = new Command("remove", "Remove a channel") { name };
        CliApplication.SetHandler(remove, globals, output, async (context, cancellationToken) =>
        {
            Report(context, await context.Services.Notifications.RemoveAsync(context.Get(name), cancellationToken).ConfigureAwait(false), $"removed {context.Get(name)}");
            return ExitCodes.Success;
        });
        return remove;
    }

    private static Command Test(GlobalOptions globals, Output output)
    {
        var name = new Argument<string?>("NAME") { Description = "A channel (all when left out)", Arity = ArgumentArity.ZeroOrOne };
        var test = new Command("test", "Send a test alert (VM virt-appliance-test, disk data at 85 %) and say how it went; exit 6 when one was not delivered") { name };
        CliApplication.SetHandler(test, globals, output, async (context, cancellationToken) =>
        {
            var deliveries = await context.Services.Notifications.TestAsync(context.Get(name), cancellationToken).ConfigureAwait(false);
            if (context.Json)
                context.Output.Json(NotifyDeliveryJson.From(deliveries));
            else
                foreach (var delivery in deliveries)
                    context.Output.Line(delivery.Delivered ? $"{delivery.Channel}: delivered" + (delivery.Attempts > 1 ? $" (attempt {delivery.Attempts})" : "")
                        : $"{delivery.Channel}: NOT delivered after {delivery.Attempts} attempt{(delivery.Attempts == 1 ? "" : "s")}: {delivery.Error}");
            return deliveries.All(delivery => delivery.Delivered) ? ExitCodes.Success : ExitCodes.Hypervisor;
        });
        return test;
    }

    private static void Report(CommandContext context, IReadOnlyList<NotificationChannel> channels, string? done)
    {
        if (context.Json)
        {
            // The channel records hold passwords and header values: only what is safe to show.
            context.Output.Json(NotifyChannelJson.From(channels));
            return;
        }
        if (done is not null)
            context.Output.Line(done);
        if (channels.Count == 0)
            context.Output.Line("no notification channels (add one with 'virt-appliance notify add email|webhook …')");
        else if (done is null)
            foreach (var channel in channels)
                context.Output.Line($"{channel.Name} ({channel.Kind}): {channel.Description}");
    }

    private static (string Host, int Port) HostPort(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon < 0)
            return (text, 587);
        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            throw new InvalidInputException($"--smtp {text}: '{text[(colon + 1)..]}' is not a port") { Hint = "write HOST or HOST:PORT, e.g. smtp.example.org:587" };
        return (text[..colon], port);
    }

    private static async Task<string> ReadSecretAsync(string file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
            throw new NotFoundException($"{file}: no such file") { Hint = "write the password into a file readable by root only and name it" };
        return (await File.ReadAllLinesAsync(file, cancellationToken).ConfigureAwait(false)).FirstOrDefault() ?? "";
    }

    private static async Task<IReadOnlyDictionary<string, string>> ReadHeadersAsync(string file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
            throw new NotFoundException($"{file}: no such file") { Hint = "write one 'Name: value' a line" };
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var lines = await File.ReadAllLinesAsync(file, cancellationToken).ConfigureAwait(false);
        for (var line = 0; line < lines.Length; line++)
        {
            if (string.IsNullOrWhiteSpace(lines[line]))
                continue;
            var colon = lines[line].IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
                throw new InvalidInputException($"{file}:{line + 1}:1: not a header line ('Name: value')") { Hint = "e.g. Authorization: Bearer TOKEN" };
            headers[lines[line][..colon].Trim()] = lines[line][(colon + 1)..].Trim();
        }
        return headers;
    }
}
