using System.CommandLine;
using Spectre.Console;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Cli.Commands;

/// <summary>config VM show | set NAME=VALUE… | unset NAME… | diff | apply: a VM's site values, kept outside the appliance.</summary>
internal static class ConfigCommand
{
    private static readonly string[] Actions = ["show", "set", "unset", "diff", "apply"];

    public static Command Create(GlobalOptions globals, Output output)
    {
        var vm = new Argument<string>("VM") { Description = "A deployed VM" };
        var action = new Argument<string>("ACTION") { Description = "show (default), set, unset, diff or apply", DefaultValueFactory = _ => "show" };
        var items = new Argument<string[]>("ARGS") { Description = "NAME=VALUE for set, NAME for unset", Arity = ArgumentArity.ZeroOrMore };
        var noRestart = new Option<bool>("--no-restart") { Description = "apply: attach the new config disk but leave a running VM as it is (it reads it at its next start)" };
        var command = new Command("config", """
            A VM's site values: what it runs with (defaults marked, passwords masked), changes that wait
            to be applied, and the difference from the appliance's defaults. 'set' and 'unset' check
            the values and write a pending config disk; 'apply' attaches it, restarts a running VM and
            waits for its health check; a failed apply returns to the configuration that ran. Values
            live outside the appliance: an update re-renders them with the new version's templates.

            Examples:
              virt-appliance config wiki1
              virt-appliance config wiki1 set mail_host=smtp.example.org admin_email=ops@example.org
              virt-appliance config wiki1 unset theme
              virt-appliance config wiki1 diff
              virt-appliance config wiki1 apply
            """)
        {
            vm, action, items, noRestart,
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
    }

    private static void RenderDiff(Output output, ConfigView view)
    {
        var fromDefaults = view.Entries.Where(entry => !entry.RunningIsDefault && entry.Running != entry.Default).ToList();
        output.Line($"{view.Vm}: against the appliance's defaults");
        foreach (var entry in fromDefaults)
            output.Line($"  {entry.Name}: {entry.Default ?? "(no default)"} -> {entry.Running ?? "(not set)"}");
        if (fromDefaults.Count == 0)
            output.Line("  (the defaults)");
        output.Line($"{view.Vm}: pending, against what it runs");
        var pending = view.Entries.Where(entry => entry.PendingChanged).ToList();
        foreach (var entry in pending)
            output.Line($"  {entry.Name}: {entry.Running ?? "(not set)"} -> {entry.Pending ?? "(not set)"}" + (entry.Secret ? " (a new password)" : ""));
        if (pending.Count == 0)
            output.Line("  (nothing pending)");
    }
}
