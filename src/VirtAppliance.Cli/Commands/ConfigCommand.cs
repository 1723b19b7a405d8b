using System.CommandLine;
using Spectre.Console;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Core.Configuration;
using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Errors;
using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Cli.Commands;

/// <summary>
/// config VM show | set NAME=VALUE… | unset NAME… | diff | apply | puppet [list | add DIR | remove NAME]: a VM's site values and
/// the site's Puppet modules, kept outside the appliance.
/// </summary>
internal static class ConfigCommand
{
    private static readonly string[] Actions = ["show", "set", "unset", "diff", "apply", "puppet", "threshold"];

    private static readonly string[] PuppetActions = ["list", "add", "remove"];

    public static Command Create(GlobalOptions globals, Output output)
    {
        var vm = new Argument<string>("VM") { Description = "A deployed VM" };
        var action = new Argument<string>("ACTION") { Description = "show (default), set, unset, diff or apply", DefaultValueFactory = _ => "show" };
        var items = new Argument<string[]>("ARGS")
        {
            Description = "NAME=VALUE for set, NAME for unset; for puppet: list, add MODULE_DIR, remove MODULE",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var classes = new Option<string[]>("--class")
        {
            Description = "puppet add: a class of the module that the VM's node includes (repeatable; default: the module's own class, its name)",
        };
        var kind = new Option<string>("--kind")
        {
            Description = "puppet add: override (changes the appliance's own configuration, e.g. a class that inherits one of its classes) or addition (tangential configuration; the default)",
        };
        var warning = new Option<int?>("--warning") { Description = "threshold: percent used at which the disk is a warning (1–100)", HelpName = "PERCENT" };
        var critical = new Option<int?>("--critical") { Description = "threshold: percent used at which the disk is critical (1–100)", HelpName = "PERCENT" };
        var reset = new Option<bool>("--reset") { Description = "threshold: back to the appliance's levels (or the default 80/90)" };
        var noRestart = new Option<bool>("--no-restart") { Description = "apply: attach the new config disk but leave a running VM as it is (it reads it at its next start)" };
        var command = new Command("config", """
            A VM's site values: what it runs with (defaults marked, passwords masked), changes that wait
            to be applied, and the difference from the appliance's defaults. 'set' and 'unset' check
            the values and write a pending config disk; 'apply' attaches it, restarts a running VM and
            waits for its health check; a failed apply returns to the configuration that ran. Values
            live outside the appliance: an update re-renders them with the new version's templates.

            'puppet add MODULE_DIR' keeps a site's Puppet module for the VM (recipe-built appliances):
            an override of the appliance's own configuration or an addition. It is checked first
            (every manifest through 'puppet parser validate', the classes defined), copied into the
            VM's folder and put on the pending config disk; after 'apply' the appliance's first-boot
            Puppet run includes its classes after the appliance's manifest, again after every update.

            'threshold DISK' sets the site's warning and critical levels of a disk (percent used of
            the file system the guest reports, else of the image's allocation against its capacity);
            they win over the appliance's <threshold>, take effect at once (status, the watch pass)
            and stay across updates. '--reset' returns to the appliance's levels.

            Examples:
              virt-appliance config wiki1
              virt-appliance config wiki1 threshold data --warning 75 --critical 90
              virt-appliance config wiki1 threshold data --reset
              virt-appliance config wiki1 set mail_host=smtp.example.org admin_email=ops@example.org
              virt-appliance config wiki1 unset theme
              virt-appliance config wiki1 diff
              virt-appliance config wiki1 apply
              virt-appliance config wiki1 puppet add ./site_syslog
              virt-appliance config wiki1 puppet add ./site_wiki --kind override --class site_wiki::tls
              virt-appliance config wiki1 puppet list
              virt-appliance config wiki1 puppet remove site_syslog
            """)
        {
            vm, action, items, noRestart, classes, kind, warning, critical, reset,
        };
        var vmOptions = new VmOptionsCli(stops: true);
        vmOptions.AddTo(command);
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var name = context.Get(vm);
            var arguments = context.Get(items) ?? [];
            var verb = context.Get(action);
            var instances = context.Services.Instances;
            ConfigView view;
            switch (verb)
            {
                case "show" or "diff" when arguments.Length > 0:
                    throw new InvalidInputException($"config {verb} takes no arguments, got {string.Join(' ', arguments)}") { Hint = $"virt-appliance config {name} {verb}" };
                case "show" or "diff":
                    view = await instances.ConfigShowAsync(name, cancellationToken).ConfigureAwait(false);
                    break;
                case "set" or "unset" when arguments.Length == 0:
                    throw new InvalidInputException($"config {verb} needs {(verb == "set" ? "NAME=VALUE" : "NAME")} …") { Hint = $"virt-appliance config {name} {verb} {(verb == "set" ? "NAME=VALUE" : "NAME")}" };
                case "set":
                    view = await instances.ConfigSetAsync(name, arguments, [], cancellationToken).ConfigureAwait(false);
                    break;
                case "unset":
                    view = await instances.ConfigSetAsync(name, [], arguments, cancellationToken).ConfigureAwait(false);
                    break;
                case "threshold" when arguments.Length != 1:
                    throw new InvalidInputException($"config {name} threshold takes one DISK, got {arguments.Length}")
                    {
                        Hint = $"virt-appliance config {name} threshold DISK --warning 80 --critical 90 (or --reset)",
                    };
                case "threshold":
                {
                    var status = await instances.ConfigThresholdAsync(name, arguments[0], context.Get(warning), context.Get(critical), context.Get(reset), cancellationToken)
                        .ConfigureAwait(false);
                    if (context.Json)
                        context.Output.Json(status);
                    else
                        StatusCommand.RenderOne(context.Output, status);
                    return ExitCodes.Success;
                }
                case "puppet":
                    return await PuppetAsync(context, name, arguments, context.Get(classes) ?? [], context.Get(kind), cancellationToken).ConfigureAwait(false);
                case "apply":
                    view = await instances.ConfigApplyAsync(name, !context.Get(noRestart), new LineProgress(context.Output, context.Json), vmOptions.Read(context), cancellationToken)
                        .ConfigureAwait(false);
                    break;
                default:
                    throw new InvalidInputException($"config {name} {verb}: '{verb}' is not an action of config")
                    {
                        Hint = $"use one of {string.Join(", ", Actions)}" + (Actions.FirstOrDefault(known => known.StartsWith(verb[..Math.Min(2, verb.Length)], StringComparison.Ordinal)) is { } close ? $" (did you mean '{close}'?)" : ""),
                    };
            }
            if (context.Json)
            {
                context.Output.Json(view);
                return ExitCodes.Success;
            }
            if (verb == "diff")
                RenderDiff(context.Output, view);
            else
                RenderShow(context.Output, view);
            if (verb is "set" or "unset")
                context.Output.Line($"staged; 'virt-appliance config {name} apply' gives it to the VM");
            if (verb == "apply")
                context.Output.Line(view.Restarted ? $"{name} restarted with configuration {view.Generation}" : $"{name} gets configuration {view.Generation} at its next start");
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<int> PuppetAsync(CommandContext context, string name, string[] arguments, string[] classes, string? kind, CancellationToken cancellationToken)
    {
        var instances = context.Services.Instances;
        var verb = arguments.Length == 0 ? "list" : arguments[0];
        var rest = arguments.Skip(1).ToArray();
        if ((classes.Length > 0 || kind is not null) && verb != "add")
            throw new InvalidInputException($"--class and --kind go with 'config {name} puppet add', not with '{verb}'") { Hint = $"virt-appliance config {name} puppet add MODULE_DIR --class NAME" };
        ConfigView view;
        switch (verb)
        {
            case "list" when rest.Length == 0:
                view = await instances.ConfigShowAsync(name, cancellationToken).ConfigureAwait(false);
                break;
            case "add" when rest.Length == 1:
                view = await instances.ConfigPuppetAddAsync(name, rest[0], classes, PuppetJson.ParseKind(kind), cancellationToken).ConfigureAwait(false);
                break;
            case "remove" when rest.Length == 1:
                view = await instances.ConfigPuppetRemoveAsync(name, rest[0], cancellationToken).ConfigureAwait(false);
                break;
            case "list" or "add" or "remove":
                throw new InvalidInputException($"config {name} puppet {verb} takes {(verb == "list" ? "no arguments" : verb == "add" ? "one MODULE_DIR" : "one MODULE")}, got {rest.Length}")
                {
                    Hint = $"virt-appliance config {name} puppet {(verb == "list" ? "list" : verb == "add" ? "add MODULE_DIR" : "remove MODULE")}",
                };
            default:
                throw new InvalidInputException($"config {name} puppet {verb}: '{verb}' is not an action of config puppet")
                {
                    Hint = $"use one of {string.Join(", ", PuppetActions)}" + (VirtAppliance.Core.Internal.Spelling.Suggest(verb, PuppetActions) is { } close ? $" (did you mean '{close}'?)" : ""),
                };
        }
        if (context.Json)
        {
            context.Output.Json(PuppetJson.From(view));
            return ExitCodes.Success;
        }
        RenderPuppet(context.Output, view);
        if (verb is "add" or "remove")
            context.Output.Line($"staged; 'virt-appliance config {name} apply' gives it to the VM");
        return ExitCodes.Success;
    }

    private static void RenderPuppet(Output output, ConfigView view)
    {
        var modules = view.PendingPuppet ?? view.Puppet;
        output.Line($"{view.Vm} ({view.ApplianceId}): the site's Puppet modules" + (view.PendingPuppet is null ? "" : ", changes pending"));
        if (modules.Count == 0 && view.Puppet.Count == 0)
        {
            output.Line("none; add one: virt-appliance config " + view.Vm + " puppet add MODULE_DIR");
            return;
        }
        var table = new Table().AddColumns("module", "kind", "classes", "sha256");
        if (view.PendingPuppet is not null)
            table.AddColumn("state");
        foreach (var module in modules)
        {
            var cells = new List<string> { module.Name, Kind(module.Kind), string.Join(", ", module.Classes), module.ShortDigest };
            if (view.PendingPuppet is not null)
                cells.Add(PendingState(view.Puppet, module));
            table.AddRow([.. cells.Select(Markup.Escape)]);
        }
        foreach (var removed in view.PendingPuppet is null ? [] : view.Puppet.Where(module => modules.All(other => other.Name != module.Name)))
            table.AddRow([.. new[] { removed.Name, Kind(removed.Kind), string.Join(", ", removed.Classes), removed.ShortDigest, "removed, not applied" }.Select(Markup.Escape)]);
        output.Console.Write(table);
    }

    private static string PendingState(IReadOnlyList<SiteModule> running, SiteModule module) =>
        running.FirstOrDefault(other => other.Name == module.Name) is not { } was ? "added, not applied"
        : was == module || (was.Digest == module.Digest && was.Kind == module.Kind && was.Classes.SequenceEqual(module.Classes)) ? "applied"
        : "changed, not applied";

    private static string Kind(SiteModuleKind kind) => kind == SiteModuleKind.Override ? "override" : "addition";

    private static void RenderShow(Output output, ConfigView view)
    {
        output.Line($"{view.Vm} ({view.ApplianceId}), configuration {view.Generation}" + (view.HasPending ? ", changes pending" : ""));
        if (view.Entries.Count == 0)
        {
            output.Line("the appliance declares no site parameters");
            return;
        }
        var table = new Table().AddColumns("name", "type", "value");
        if (view.HasPending)
            table.AddColumn("pending");
        foreach (var entry in view.Entries)
        {
            var running = entry.Running is null ? "(not set)" : entry.RunningIsDefault ? $"{entry.Running} (default)" : entry.Running;
            var cells = new List<string> { entry.Name, entry.Type, running };
            if (view.HasPending)
                cells.Add(!entry.PendingChanged ? "" : entry.Pending ?? "(not set)");
            table.AddRow([.. cells.Select(Markup.Escape)]);
        }
        output.Console.Write(table);
        if (view.Puppet.Count > 0 || view.PendingPuppet is { Count: > 0 })
            output.Line("site Puppet: " + string.Join(", ", (view.PendingPuppet ?? view.Puppet).Select(module => $"{module.Name} ({Kind(module.Kind)})"))
                + (view.PendingPuppet is null ? "" : " (pending)") + $"; 'virt-appliance config {view.Vm} puppet' lists them");
    }

    private static void RenderDiff(Output output, ConfigView view)
    {
        var fromDefaults = view.Entries.Where(entry => !entry.RunningIsDefault && entry.Running != entry.Default).ToList();
        output.Line($"{view.Vm}: against the appliance's defaults");
        foreach (var entry in fromDefaults)
            output.Line($"  {entry.Name}: {Shown(entry, entry.Default) ?? "(no default)"} -> {Shown(entry, entry.Running) ?? "(not set)"}");
        if (fromDefaults.Count == 0)
            output.Line("  (the defaults)");
        foreach (var module in view.Puppet)
            output.Line($"  + puppet {Kind(module.Kind)} {module.Name}: {string.Join(", ", module.Classes)} (sha256 {module.ShortDigest})");
        output.Line($"{view.Vm}: pending, against what it runs");
        var pending = view.Entries.Where(entry => entry.PendingChanged).ToList();
        foreach (var entry in pending)
            output.Line($"  {entry.Name}: {Shown(entry, entry.Running) ?? "(not set)"} -> {Shown(entry, entry.Pending) ?? "(not set)"}" + (entry.Secret ? " (a new password)" : ""));
        var puppetChanges = PuppetChanges(view).ToList();
        foreach (var change in puppetChanges)
            output.Line("  " + change);
        if (pending.Count == 0 && puppetChanges.Count == 0)
            output.Line("  (nothing pending)");
    }

    /// <summary>A password is shown as "(set)", never its mask or value.</summary>
    private static string? Shown(ConfigEntry entry, string? value) => entry.Secret && value is not null ? "(set)" : value;

    private static IEnumerable<string> PuppetChanges(ConfigView view)
    {
        if (view.PendingPuppet is not { } pending)
            yield break;
        foreach (var module in pending)
        {
            var state = PendingState(view.Puppet, module);
            if (state != "applied")
                yield return $"{(state.StartsWith("added", StringComparison.Ordinal) ? "+" : "~")} puppet {Kind(module.Kind)} {module.Name}: {string.Join(", ", module.Classes)} (sha256 {module.ShortDigest})";
        }
        foreach (var removed in view.Puppet.Where(module => pending.All(other => other.Name != module.Name)))
            yield return $"- puppet {Kind(removed.Kind)} {removed.Name}";
    }
}
