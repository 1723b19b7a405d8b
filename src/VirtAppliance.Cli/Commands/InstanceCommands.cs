using System.CommandLine;
using Spectre.Console;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Images;
using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Cli.Commands;

/// <summary>deploy, vms, start, stop, undeploy, update, rollback: VMs run from installed appliances.</summary>
internal static class InstanceCommands
{
    public static Command Deploy(GlobalOptions globals, Output output)
    {
        var appliance = new Argument<string>("NAME[@VERSION]") { Description = "An installed appliance (the highest version when none is given)" };
        var name = new Option<string>("--name", "-n") { Description = "The VM's name", Required = true, HelpName = "VM" };
        var count = new Option<int>("--count") { Description = "Deploy N VMs named VM-1 … VM-N", DefaultValueFactory = _ => 1, HelpName = "N" };
        var network = new Option<string>("--network")
        {
            Description = "What the interfaces attach to: user (user-mode networking, no root-owned setup), network=NAME (a libvirt network), bridge=BR",
            DefaultValueFactory = _ => "user",
            HelpName = "NET",
        };
        var publish = new Option<string[]>("--publish", "-p")
        {
            Description = "Forward a host port to the guest, [ADDRESS:]HOSTPORT:GUESTPORT[/tcp] (address 127.0.0.1 unless given; repeatable). The ports the appliance declares are published on free loopback ports besides.",
            HelpName = "SPEC",
            AllowMultipleArgumentsPerToken = false,
        };
        var set = new Option<string[]>("--set")
        {
            Description = "A site value, NAME=VALUE (repeatable; wins over --values). Prefer --values or the prompt for passwords: arguments are visible to other users.",
            HelpName = "NAME=VALUE",
            AllowMultipleArgumentsPerToken = false,
        };
        var values = new Option<string?>("--values") { Description = "Site values from a JSON or YAML file (a flat mapping NAME: VALUE)", HelpName = "FILE" };
        var noStart = new Option<bool>("--no-start") { Description = "Define the VM but do not start it" };
        var parallel = new Option<int>("--parallel") { Description = "How many VMs of a --count boot at once (their health checks run together)", DefaultValueFactory = _ => 4, HelpName = "N" };
        var reuseKept = new Option<string?>("--reuse-kept")
        {
            Description = "Give the new VM the user disks and site values an undeploy kept: a folder under ROOT/kept, or the undeployed VM's name (its newest)",
            HelpName = "PATH|VM",
        };
        var host = new HostOptions();
        var command = new Command("deploy", """
            Deploy VMs from an installed appliance. The host is checked first (exit 4 when it does not
            fit), and every site value against its parameter (exit 3, before anything is made). Each VM
            gets its own folder in the store: a qcow2 overlay on each pristine system disk, a sparse copy
            of each user disk (or a new one of the declared size), new scratch disks, and a read-only
            config disk (a cloud-init NoCloud seed, volume cidata) with the rendered config templates,
            the values and its identity. The domain records its appliance and version in its
            <metadata>. With a health check, deploy waits until the appliance says it is up. A failure
            removes what the deploy created. On a terminal, required values nobody gave are asked for
            (passwords without echo).

            Examples:
              virt-appliance deploy wiki --name wiki1 --set admin_email=ops@example.org
              virt-appliance deploy wiki --name wiki1 --values site.yaml --publish 8080:80
              virt-appliance deploy wiki@2.4 --name web --count 3 --no-start --virt-type qemu
              virt-appliance deploy wiki --name wiki1 --network bridge=br0
              virt-appliance deploy wiki --name wiki2 --reuse-kept wiki1
            """)
        {
            appliance, name, count, network, publish, set, values, noStart, parallel, reuseKept,
        };
        host.AddTo(command);
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var request = new DeployRequest(context.Get(appliance), context.Get(name)!, HostOptions.ConnectionUri(context.Get(host.Connect)),
                context.Get(count), context.Get(network)!, !context.Get(noStart), host.MatchOptions(context),
                context.Get(publish) ?? [], context.Get(set) ?? [], context.Get(values), context.Get(parallel), context.Get(reuseKept));
            request = request with { Set = [.. request.Set!, .. await PromptForMissingAsync(context, request, cancellationToken).ConfigureAwait(false)] };
            var deployed = await context.Services.Instances.DeployAsync(request, new LineProgress(context.Output, context.Json), cancellationToken).ConfigureAwait(false);
            if (context.Json)
                context.Output.Json(deployed.Select(VmJson.From));
            else
                foreach (var vm in deployed)
                    context.Output.Line($"deployed {vm.Record.Name} from {vm.Record.ApplianceId}: {VmJson.StateText(vm)}; console log {vm.Record.ConsoleLog}"
                        + string.Concat(vm.Record.Forwards.Select(forward => $"\n  port {forward.GuestPort} is published on {forward.Address}:{forward.HostPort}")));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>On a terminal, asks for the required values nobody gave (passwords without echo); elsewhere deploy names them.</summary>
    private static async Task<IReadOnlyList<string>> PromptForMissingAsync(CommandContext context, DeployRequest request, CancellationToken cancellationToken)
    {
        if (context.Json || !context.Output.IsInteractive || Console.IsInputRedirected)
            return [];
        var answers = new List<string>();
        foreach (var parameter in await context.Services.Instances.MissingValuesAsync(request, cancellationToken).ConfigureAwait(false))
        {
            var question = $"{Markup.Escape(parameter.Label ?? parameter.Name)} ({parameter.Name}, {parameter.Type.ToString().ToLowerInvariant()})"
                + (parameter.Choices.Count > 0 ? $" [{Markup.Escape(string.Join("/", parameter.Choices))}]" : "") + ":";
            var prompt = new TextPrompt<string>(question);
            if (parameter.Type == ParameterType.Password)
                prompt = prompt.Secret();
            answers.Add($"{parameter.Name}={await context.Output.Console.PromptAsync(prompt, cancellationToken).ConfigureAwait(false)}");
        }
        return answers;
    }

    public static Command Vms(GlobalOptions globals, Output output)
    {
        var connect = new HostOptions().Connect;
        var repair = new Option<bool>("--repair") { Description = "Adopt into the index the domains that carry virt-appliance metadata but have no index row" };
        var command = new Command("vms", """
            List the VMs deployed from appliances: appliance, version-release, libvirt state, disks
            (target, role, format, path, sizes) and the serial console log. A VM whose domain was
            removed outside virt-appliance is shown as missing. Domains at --connect that carry
            virt-appliance metadata but are not in the store's index (the index was lost or
            restored from a backup) are shown as "not in the index"; --repair adopts them again
            (from their metadata and the installed appliance's descriptor; they have no rollback
            target afterwards).

            Examples:
              virt-appliance vms
              virt-appliance vms --json
              virt-appliance vms --repair
            """)
        {
            connect, repair,
        };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var inventory = await context.Services.Instances.ListAsync(HostOptions.ConnectionUri(context.Get(connect)), context.Get(repair), cancellationToken).ConfigureAwait(false);
            var vms = inventory.Instances;
            foreach (var problem in inventory.Problems)
                context.Output.Error($"virt-appliance: {problem}");
            if (context.Json)
            {
                context.Output.Json(vms.Select(VmJson.From));
                return ExitCodes.Success;
            }
            if (vms.Count == 0)
            {
                context.Output.Line("no VMs deployed (deploy one with 'virt-appliance deploy NAME --name VM')");
                return ExitCodes.Success;
            }
            // Paths go below the table, one a line: a table column would break them mid-path on a narrow terminal.
            var table = new Table().AddColumns("name", "appliance", "version", "state", "ports", "disks");
            foreach (var vm in vms)
            {
                var disks = string.Join("\n", vm.Disks.Select(usage =>
                    $"{usage.Disk.Target} {usage.Disk.Role.ToString().ToLowerInvariant()} {usage.Disk.Format.ToText()} {Sizes.Bytes(usage.AllocatedBytes ?? 0)} used"));
                var ports = vm.Record.Forwards.Count == 0 ? "-" : string.Join("\n", vm.Record.Forwards.Select(forward => forward.ToString()));
                table.AddRow(Markup.Escape(vm.Record.Name), Markup.Escape(vm.Record.Appliance), Markup.Escape($"{vm.Record.Version}-{vm.Record.Release}"),
                    Markup.Escape(VmJson.StateText(vm)), Markup.Escape(ports), Markup.Escape(disks));
            }
            context.Output.Console.Write(table);
            context.Output.Line("console logs:");
            var nameWidth = vms.Max(vm => vm.Record.Name.Length);
            foreach (var vm in vms)
                context.Output.Line($"  {vm.Record.Name.PadRight(nameWidth)}  {vm.Record.ConsoleLog}");
            if (!context.Get(repair) && vms.Any(vm => vm.Unindexed))
                context.Output.Line("some VMs are not in the index: 'virt-appliance vms --repair' adopts them");
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Start(GlobalOptions globals, Output output)
    {
        var vm = new Argument<string>("VM") { Description = "A deployed VM" };
        var noWait = new Option<bool>("--no-wait") { Description = "Do not wait for the appliance's health check" };
        var command = new Command("start", """
            Start a deployed VM and wait until its appliance is healthy.

            Examples:
              virt-appliance start wiki1
            """)
        {
            vm, noWait,
        };
        var vmOptions = new VmOptionsCli(stops: false);
        vmOptions.AddTo(command);
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var status = await context.Services.Instances.StartAsync(context.Get(vm), !context.Get(noWait), new LineProgress(context.Output, context.Json),
                vmOptions.Read(context), cancellationToken).ConfigureAwait(false);
            Report(context, status, "started");
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Stop(GlobalOptions globals, Output output)
    {
        var vm = new Argument<string>("VM") { Description = "A deployed VM" };
        var command = new Command("stop", """
            Stop a VM: ask the guest to power off (ACPI power button), and power it off after --timeout
            seconds (60) if it has not; says so when it has to. --force powers it off at once.

            Examples:
              virt-appliance stop wiki1
              virt-appliance stop wiki1 --timeout 300
              virt-appliance stop wiki1 --force
            """)
        {
            vm,
        };
        var vmOptions = new VmOptionsCli(stops: true);
        vmOptions.AddTo(command);
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var status = await context.Services.Instances.StopAsync(context.Get(vm), new LineProgress(context.Output, context.Json), vmOptions.Read(context), cancellationToken)
                .ConfigureAwait(false);
            Report(context, status, "stopped");
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Undeploy(GlobalOptions globals, Output output)
    {
        var vms = new Argument<string[]>("VM") { Description = "Deployed VMs", Arity = ArgumentArity.OneOrMore };
        var deleteData = new Option<bool>("--delete-data") { Description = "Also delete the VMs' user disks (the customer's data)" };
        var command = new Command("undeploy", """
            Remove VMs: their domains, overlays and scratch disks. Their user disks and their config
            disk (the site values) are kept in the store (ROOT/kept/VM-TIME/) unless --delete-data.

            Examples:
              virt-appliance undeploy wiki1
              virt-appliance undeploy web-1 web-2 web-3 --delete-data
            """)
        {
            vms, deleteData,
        };
        var vmOptions = new VmOptionsCli(stops: true);
        vmOptions.AddTo(command);
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var results = new List<UndeployJson>();
            foreach (var vm in context.Get(vms))
            {
                var kept = await context.Services.Instances.UndeployAsync(vm, context.Get(deleteData), new LineProgress(context.Output, context.Json), vmOptions.Read(context),
                    cancellationToken).ConfigureAwait(false);
                results.Add(UndeployJson.From(kept));
                if (context.Json)
                    continue;
                context.Output.Line($"undeployed {vm}");
                foreach (var disk in kept.UserDisks)
                    context.Output.Line($"  kept user disk {disk}");
                if (kept.ConfigDisk is { } configDisk)
                    context.Output.Line($"  kept its site values (config disk) {configDisk}");
            }
            if (context.Json)
                if (results.Count == 1)
                    context.Output.Json(results[0]);
                else
                    context.Output.Json(results);
            return ExitCodes.Success;
        });
        return command;
    }

    public static Command Update(GlobalOptions globals, Output output)
    {
        var vm = new Argument<string?>("VM") { Description = "A deployed VM", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<string?>("--all") { Description = "Update every VM of this appliance", HelpName = "NAME" };
        var to = new Option<string?>("--to") { Description = "VERSION or VERSION-RELEASE (default: the highest installed)", HelpName = "VERSION" };
        var parallel = new Option<int>("--parallel") { Description = "How many VMs update at once with --all", DefaultValueFactory = _ => 2, HelpName = "N" };
        var set = new Option<string[]>("--set")
        {
            Description = "A site value for the new version, NAME=VALUE (repeatable): one it requires that the VM has not set",
            HelpName = "NAME=VALUE",
            AllowMultipleArgumentsPerToken = false,
        };
        var allowDowngrade = new Option<bool>("--allow-downgrade")
        {
            Description = "Move to an older version than the VM runs (refused otherwise, exit 8: 'rollback' returns to the version it ran before)",
        };
        var check = new Option<bool>("--check") { Description = "Only list, per VM, the newest version the remotes offer when it is newer than what the VM runs" };
        var channel = RepositoryCommands.ChannelOption();
        var command = new Command("update", """
            Update VMs to another installed version: stop, point the system disks at new overlays on the
            new version's pristine images, recreate scratch disks, keep the user disks, redefine, restore
            the run state and wait for the health check. When the new version does not become healthy,
            the VM is rolled back automatically (exit code 6, the reason shown). Versions only move
            forward (compared as rpm compares them: 10.0 > 9.2 > 9.2~rc1) unless --allow-downgrade.

            Examples:
              virt-appliance update wiki1
              virt-appliance update wiki1 --to 2.5
              virt-appliance update wiki1 --to 3.0 --set mail_host=smtp.example.org
              virt-appliance update --all wiki --parallel 4
              virt-appliance update --check --channel testing
            """)
        {
            vm, all, to, parallel, set, allowDowngrade, check, channel,
        };
        var vmOptions = new VmOptionsCli(stops: true);
        vmOptions.AddTo(command);
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            if (context.Get(check))
                return await CheckUpdatesAsync(context, context.Get(channel), cancellationToken).ConfigureAwait(false);
            var progress = new LineProgress(context.Output, context.Json);
            var options = vmOptions.Read(context) with { AllowDowngrade = context.Get(allowDowngrade) };
            IReadOnlyList<UpdateResult> results;
            if (context.Get(all) is { } appliance)
                results = await context.Services.Instances.UpdateAllAsync(appliance, context.Get(to), context.Get(set), context.Get(parallel), progress, options, cancellationToken).ConfigureAwait(false);
            else if (context.Get(vm) is { } name)
                results = [await context.Services.Instances.UpdateAsync(name, context.Get(to), context.Get(set), progress, options, cancellationToken).ConfigureAwait(false)];
            else
                throw new Core.Errors.InvalidInputException("update needs a VM or --all NAME") { Hint = "virt-appliance update VM, or virt-appliance update --all APPLIANCE" };
            if (context.Json)
                context.Output.Json(results);
            else
                foreach (var result in results)
                    context.Output.Line(result.Error is not null ? $"{result.Name}: FAILED{(result.RolledBack ? " (rolled back)" : "")}: {result.Error}"
                        : result.Changed ? $"{result.Name}: updated {result.From} → {result.To}"
                        : $"{result.Name}: already at {result.To}");
            return results.Any(result => result.Error is not null) ? ExitCodes.Hypervisor : ExitCodes.Success;
        });
        return command;
    }

    private static async Task<int> CheckUpdatesAsync(CommandContext context, string? channel, CancellationToken cancellationToken)
    {
        var updates = await context.Services.Repositories.CheckUpdatesAsync(channel, cancellationToken).ConfigureAwait(false);
        if (context.Json)
            context.Output.Json(updates);
        else if (updates.Count == 0)
            context.Output.Line("no VMs deployed");
        else
            foreach (var update in updates)
                context.Output.Line(update.Newest is null
                    ? $"{update.Vm}: {update.Appliance} {update.Runs}, the newest"
                    : $"{update.Vm}: {update.Appliance} {update.Runs} → {update.Newest} on remote {update.Remote} ("
                        + (update.DownloadLength is not { } length ? $"installed; virt-appliance update {update.Vm}"
                            : (update.DeltaFrom is { } from ? $"a {Sizes.Bytes(length)} delta from {from}" : $"the full package, {Sizes.Bytes(length)}")
                                + $"; virt-appliance install {update.Appliance}@{update.Newest}, then update {update.Vm}")
                        + ")");
        return ExitCodes.Success;
    }

    public static Command Rollback(GlobalOptions globals, Output output)
    {
        var vm = new Argument<string>("VM") { Description = "A deployed VM" };
        var command = new Command("rollback", """
            Return a VM to the version it ran before its last update (its previous overlays; user data stays).

            Examples:
              virt-appliance rollback wiki1
            """)
        {
            vm,
        };
        var vmOptions = new VmOptionsCli(stops: true);
        vmOptions.AddTo(command);
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var result = await context.Services.Instances.RollbackAsync(context.Get(vm), new LineProgress(context.Output, context.Json), vmOptions.Read(context), cancellationToken)
                .ConfigureAwait(false);
            if (context.Json)
                context.Output.Json(result);
            else
                context.Output.Line($"{result.Name}: rolled back {result.From} → {result.To}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Report(CommandContext context, InstanceStatus status, string verb)
    {
        if (context.Json)
            context.Output.Json(VmJson.From(status));
        else
            context.Output.Line($"{status.Record.Name} {verb}: {VmJson.StateText(status)}");
    }
}
