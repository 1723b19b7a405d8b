using System.CommandLine;
using Spectre.Console;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Cli.Commands;

/// <summary>repo (init, add, publish, rotate-key, status), remote (add, list, remove), search: signed repositories.</summary>
internal static class RepositoryCommands
{
    public static Command Repo(GlobalOptions globals, Output output)
    {
        var command = new Command("repo", """
            Make a static, signed repository that any web server can serve (TUF's roles: root, targets,
            snapshot, timestamp; OpenPGP keys). Keys are secret key files (gpg --armor --export-secret-keys);
            a passphrase comes from VIRT_APPLIANCE_KEY_PASSPHRASE. See docs/repository.md.

            Examples:
              virt-appliance repo init ./repo --key root.asc --online-key online.asc
              virt-appliance repo add ./repo wiki-2.0-1.vapp --channel testing
              virt-appliance repo publish ./repo --key root.asc --online-key online.asc --timestamp-expires 1d
              virt-appliance repo rotate-key ./repo --key root.asc --new-key root2.asc
            """);
        command.Subcommands.Add(Init(globals, output));
        command.Subcommands.Add(Add(globals, output));
        command.Subcommands.Add(Publish(globals, output));
        command.Subcommands.Add(RotateKey(globals, output));
        command.Subcommands.Add(Status(globals, output));
        return command;
    }

    private static Argument<string> Directory() => new("DIR") { Description = "The repository folder" };

    private static Option<string[]> Keys(string name, string description) => new(name) { Description = description, HelpName = "KEY.asc", AllowMultipleArgumentsPerToken = false };

    private static Command Init(GlobalOptions globals, Output output)
    {
        var directory = Directory();
        var keys = Keys("--key", "A root key (secret key file; repeatable): signs root and targets");
        var online = new Option<string?>("--online-key") { Description = "The key that signs snapshot and timestamp (default: the first --key)", HelpName = "KEY.asc" };
        var threshold = new Option<int>("--threshold") { Description = "How many of the root keys must sign", DefaultValueFactory = _ => 1, HelpName = "N" };
        var expires = new Option<string?>("--expires") { Description = "How long root.json stays valid (default 365d)", HelpName = "DURATION" };
        var command = new Command("init", """
            Make a new repository: targets/ and version 1 of root.json (its keys, thresholds and expiry).

            Examples:
              virt-appliance repo init ./repo --key root.asc
              virt-appliance repo init ./repo --key a.asc --key b.asc --threshold 2 --online-key online.asc
            """) { directory, keys, online, threshold, expires };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var state = await context.Services.Repositories.InitAsync(context.Get(directory), context.Get(keys) ?? [], context.Get(online), context.Get(threshold), context.Get(expires), cancellationToken).ConfigureAwait(false);
            if (context.Json)
                context.Output.Json(state);
            else
                context.Output.Line($"made repository {context.Get(directory)}: root version {state.RootVersion}, root key(s) {string.Join(", ", state.RootKeys)}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Add(GlobalOptions globals, Output output)
    {
        var directory = Directory();
        var packages = new Argument<string[]>("PACKAGE") { Description = "The .vapp files to add", Arity = ArgumentArity.OneOrMore };
        var channel = new Option<string?>("--channel") { Description = "stable (default) or testing", HelpName = "CHANNEL" };
        var command = new Command("add", """
            Copy packages into the repository's targets/ and stage their entries (name, version, release,
            length, SHA-256, SHA-512, channel); 'repo publish' signs them in. A published release never changes.
            A delta package (pack --delta-from) is offered beside the full package of its version, which the
            repository must hold too; clients that have the delta's base installed download the delta.

            Examples:
              virt-appliance repo add ./repo wiki-1.0-1.vapp wiki-1.1-1.vapp
              virt-appliance repo add ./repo wiki-2.0-1.vapp --channel testing
              virt-appliance repo add ./repo wiki-2.0-1.vapp wiki-2.0-1-from-1.0.vapp
            """)
        {
            directory, packages, channel,
        };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var added = await context.Services.Repositories.AddAsync(context.Get(directory), context.Get(packages), context.Get(channel), cancellationToken).ConfigureAwait(false);
            if (context.Json)
                context.Output.Json(added);
            else
                foreach (var entry in added)
                    context.Output.Line(entry.Base is { } from
                        ? $"staged the delta {entry.Id} from {from.Id} ({entry.Channel}, {Sizes.Bytes(entry.Length)}); publish to sign it in (the full {entry.Id} must be in the repository too)"
                        : $"staged {entry.Id} ({entry.Channel}, {Sizes.Bytes(entry.Length)}); publish to sign it in");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Publish(GlobalOptions globals, Output output)
    {
        var directory = Directory();
        var keys = Keys("--key", "A targets key (secret key file; repeatable, as many as the threshold)");
        var online = new Option<string?>("--online-key") { Description = "The snapshot and timestamp key (default: the first --key)", HelpName = "KEY.asc" };
        var timestampExpires = new Option<string?>("--timestamp-expires") { Description = "How long timestamp.json stays valid (default 1d); publish again before", HelpName = "DURATION" };
        var command = new Command("publish", """
            Sign the staged packages into new targets, snapshot and timestamp metadata (every version goes
            up by one; the timestamp is written last). Run it again before the timestamp expires.

            Examples:
              virt-appliance repo publish ./repo --key root.asc
              virt-appliance repo publish ./repo --key root.asc --online-key online.asc --timestamp-expires 6h
            """)
        {
            directory, keys, online, timestampExpires,
        };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var state = await context.Services.Repositories.PublishAsync(context.Get(directory), context.Get(keys) ?? [], context.Get(online), context.Get(timestampExpires), cancellationToken).ConfigureAwait(false);
            if (context.Json)
                context.Output.Json(state);
            else
                context.Output.Line($"published {state.Packages} package(s): targets v{state.TargetsVersion}, snapshot v{state.SnapshotVersion}, timestamp v{state.TimestampVersion} (expires {state.TimestampExpires:yyyy-MM-dd HH:mm:ss}Z)");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command RotateKey(GlobalOptions globals, Output output)
    {
        var directory = Directory();
        var keys = Keys("--key", "A current root key (repeatable, as many as the threshold)");
        var newKeys = Keys("--new-key", "A new root and targets key (repeatable)");
        var newOnline = new Option<string?>("--new-online-key") { Description = "A new snapshot and timestamp key (default: keep the current one)", HelpName = "KEY.asc" };
        var threshold = new Option<int>("--threshold") { Description = "How many of the new root keys must sign", DefaultValueFactory = _ => 1, HelpName = "N" };
        var command = new Command("rotate-key", """
            Write the next root version with new keys, signed by the old and the new root keys (clients
            follow the chain). Publish with the new keys afterwards.

            Examples:
              virt-appliance repo rotate-key ./repo --key root.asc --new-key root2.asc
              virt-appliance repo rotate-key ./repo --key root.asc --new-key root2.asc --new-online-key online2.asc
            """)
        {
            directory, keys, newKeys, newOnline, threshold,
        };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var state = await context.Services.Repositories.RotateKeyAsync(context.Get(directory), context.Get(keys) ?? [], context.Get(newKeys) ?? [], context.Get(newOnline), context.Get(threshold), cancellationToken).ConfigureAwait(false);
            if (context.Json)
                context.Output.Json(state);
            else
                context.Output.Line($"root version {state.RootVersion}: root key(s) {string.Join(", ", state.RootKeys)}; now run 'repo publish' with the new key(s)");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Status(GlobalOptions globals, Output output)
    {
        var directory = Directory();
        var command = new Command("status", """
            Show a repository folder's metadata versions, sizes and staged packages.

            Examples:
              virt-appliance repo status ./repo --json
            """) { directory };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var state = await context.Services.Repositories.StatusAsync(context.Get(directory), cancellationToken).ConfigureAwait(false);
            if (context.Json)
                context.Output.Json(state);
            else
                context.Output.Line($"root v{state.RootVersion}, targets v{state.TargetsVersion} ({state.Packages} packages, {state.Staged} staged), snapshot v{state.SnapshotVersion}, timestamp v{state.TimestampVersion}; "
                    + string.Join(", ", state.MetadataBytes.Select(m => $"{m.Key} {Sizes.Bytes(m.Value)}")));
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Remote(GlobalOptions globals, Output output)
    {
        var command = new Command("remote", """
            The repositories this store installs from. Their metadata is kept under ROOT/remotes/NAME/ and
            never goes back: older, expired or inconsistent metadata is refused (exit 5).

            Examples:
              virt-appliance remote add acme https://appliances.example.org/repo --key acme-root.asc
              virt-appliance remote add acme https://appliances.example.org/repo --fingerprint 3AA5C34371567BD2…
              virt-appliance remote list
              virt-appliance remote remove acme
            """);
        var name = new Argument<string>("NAME") { Description = "A name for the remote" };
        var url = new Argument<string>("URL") { Description = "http(s):// or file:// URL of the repository folder, or a path" };
        var key = new Option<string?>("--key") { Description = "The repository's root public key (gpg --armor --export)", HelpName = "KEY.asc" };
        var fingerprint = new Option<string?>("--fingerprint") { Description = "Trust the root key with this fingerprint (asked on a terminal when neither is given)", HelpName = "FPR" };
        var add = new Command("add", """
            Add a remote, trusting its root key: --key (a public key file) or --fingerprint; with neither,
            the root key(s) are shown and confirmed on a terminal.

            Examples:
              virt-appliance remote add acme https://example.org/repo --key acme-root.asc
              virt-appliance remote add local /srv/repo --fingerprint 7F76D0878C006E8744EEE6260E52BBF72CDD6C36
            """) { name, url, key, fingerprint };
        CliApplication.SetHandler(add, globals, output, async (context, cancellationToken) =>
        {
            var services = context.Services.Repositories;
            var chosen = context.Get(fingerprint);
            if (context.Get(key) is null && chosen is null)
            {
                var keys = await services.PeekRootKeysAsync(context.Get(url), cancellationToken).ConfigureAwait(false);
                var shown = string.Join("\n", keys.Select(k => $"  {k.Fingerprint}  {k.UserId}"));
                if (context.Json || !context.Output.IsInteractive || Console.IsInputRedirected)
                    throw new UsageException($"remote add needs --key KEY.asc or --fingerprint FPR; the repository's root key(s):\n{shown}\ncheck the fingerprint with the repository's owner, then give it with --fingerprint");
                context.Output.Line($"The repository's root key(s):\n{shown}");
                var yes = await context.Output.Console.PromptAsync(new ConfirmationPrompt("Trust them? Check the fingerprint with the repository's owner first.") { DefaultValue = false }, cancellationToken).ConfigureAwait(false);
                if (!yes)
                    throw new UsageException("not trusted: no remote added (give --key KEY.asc or --fingerprint FPR)");
                chosen = keys[0].Fingerprint;
            }
            var remote = await services.AddRemoteAsync(context.Get(name), context.Get(url), context.Get(key), chosen, cancellationToken).ConfigureAwait(false);
            if (context.Json)
                context.Output.Json(remote);
            else
                context.Output.Line($"added remote {remote.Name} ({remote.Url}): root v{remote.RootVersion}, timestamp v{remote.TimestampVersion}");
            return ExitCodes.Success;
        });
        var list = new Command("list", """
            List the remotes and what this store has seen of them.

            Examples:
              virt-appliance remote list --json
            """);
        CliApplication.SetHandler(list, globals, output, (context, _) =>
        {
            var remotes = context.Services.Repositories.ListRemotes();
            if (context.Json)
                context.Output.Json(remotes);
            else if (remotes.Count == 0)
                context.Output.Line("no remotes (add one with 'virt-appliance remote add NAME URL --key KEY.asc')");
            else
                foreach (var remote in remotes)
                    context.Output.Line($"{remote.Name}  {remote.Url}  root v{remote.RootVersion}  timestamp v{remote.TimestampVersion} (expires {remote.TimestampExpires:yyyy-MM-dd HH:mm:ss}Z)");
            return Task.FromResult(ExitCodes.Success);
        });
        var removeName = new Argument<string>("NAME") { Description = "The remote" };
        var remove = new Command("remove", """
            Forget a remote and the metadata seen from it (installed appliances stay).

            Examples:
              virt-appliance remote remove acme
            """) { removeName };
        CliApplication.SetHandler(remove, globals, output, (context, _) =>
        {
            var removed = context.Services.Repositories.RemoveRemote(context.Get(removeName));
            if (context.Json)
                context.Output.Json(new RemoteRemovedJson(removed));
            else
                context.Output.Line($"removed remote {removed.Name}");
            return Task.FromResult(ExitCodes.Success);
        });
        command.Subcommands.Add(add);
        command.Subcommands.Add(list);
        command.Subcommands.Add(remove);
        return command;
    }

    public static Option<string?> ChannelOption() => new("--channel") { Description = "stable (default) or testing (sees stable too)", HelpName = "CHANNEL" };

    public static Command Search(GlobalOptions globals, Output output)
    {
        var term = new Argument<string?>("TERM") { Description = "Part of an appliance name", Arity = ArgumentArity.ZeroOrOne };
        var channel = ChannelOption();
        var command = new Command("search", """
            List what the remotes offer (their metadata refreshed and checked first), newest first.

            Examples:
              virt-appliance search
              virt-appliance search wiki --channel testing
            """)
        {
            term, channel,
        };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var found = await context.Services.Repositories.SearchAsync(context.Get(term), context.Get(channel), cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.Output.Json(found);
                return ExitCodes.Success;
            }
            if (found.Count == 0)
            {
                context.Output.Line("nothing found");
                return ExitCodes.Success;
            }
            var table = new Table().AddColumns("name", "version", "channel", "size", "remote");
            foreach (var item in found)
                table.AddRow(Markup.Escape(item.Target.Name), Markup.Escape($"{item.Target.Version}-{item.Target.Release}"), item.Target.Channel, Sizes.Bytes(item.Target.Length), Markup.Escape(item.Remote));
            context.Output.Console.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }
}
