using System.CommandLine;
using System.CommandLine.Parsing;
using VirtAppliance.Cli.Commands;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Core.Internal;
using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Cli;

/// <summary>Builds the command tree and runs one invocation, mapping failures to exit codes.</summary>
internal static class CliApplication
{
    public static Task<int> RunAsync(string[] args) => RunAsync(args, Output.ForConsole());

    public static async Task<int> RunAsync(string[] args, Output output)
    {
        var globals = new GlobalOptions();
        var root = BuildRoot(globals, output);
        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
                output.Error($"virt-appliance: {error.Message}");
            if (Suggestion(parseResult, globals) is { } suggestion)
                output.Error($"virt-appliance: did you mean '{suggestion}'?");
            output.Error("Try 'virt-appliance --help' or 'virt-appliance VERB --help'.");
            return ExitCodes.Usage;
        }
        var configuration = new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false,
            Output = output.Out,
            Error = output.ErrorWriter,
        };
        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, eventArgs) => { eventArgs.Cancel = true; cancellation.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await parseResult.InvokeAsync(configuration, cancellation.Token).ConfigureAwait(false);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>
    /// The closest verb (or sub-verb) for the first word nothing matched, or the closest option for a word that looks
    /// like one (the parser may have taken a mistyped option as an argument).
    /// </summary>
    private static string? Suggestion(ParseResult parseResult, GlobalOptions globals)
    {
        var command = parseResult.CommandResult.Command;
        var options = command.Options.Concat(globals.All).SelectMany(option => option.Aliases.Prepend(option.Name)).Distinct().ToList();
        var verbs = command.Subcommands.SelectMany(verb => verb.Aliases.Prepend(verb.Name)).ToList();
        var words = parseResult.UnmatchedTokens
            .Concat(parseResult.Tokens.Where(token => token.Type == TokenType.Argument && token.Value.StartsWith('-')).Select(token => token.Value));
        return words.Select(word => word.StartsWith('-')
                ? (options.Contains(word) ? null : Spelling.Suggest(word, options))
                : Spelling.Suggest(word, verbs))
            .FirstOrDefault(suggestion => suggestion is not null);
    }

    internal static RootCommand BuildRoot(GlobalOptions globals, Output output)
    {
        var root = new RootCommand($"""
            virt-appliance: describe, check, package, install, deploy and update virtual appliances on libvirt hosts.

            Examples:
              virt-appliance validate appliance.xml
              virt-appliance inspect ./my-appliance --json

            {ExitCodes.HelpText}
            """);
        foreach (var option in globals.All)
            root.Options.Add(option);
        root.Subcommands.Add(ValidateCommand.Create(globals, output));
        root.Subcommands.Add(InspectCommand.Create(globals, output));
        root.Subcommands.Add(InitCommand.Create(globals, output));
        root.Subcommands.Add(CheckCommand.Create(globals, output));
        root.Subcommands.Add(DomainXmlCommand.Create(globals, output));
        root.Subcommands.Add(BuildCommand.Create(globals, output));
        root.Subcommands.Add(PackageCommands.Pack(globals, output));
        root.Subcommands.Add(PackageCommands.Sign(globals, output));
        root.Subcommands.Add(PackageCommands.Verify(globals, output));
        root.Subcommands.Add(PackageCommands.Trust(globals, output));
        root.Subcommands.Add(StoreCommands.Install(globals, output));
        root.Subcommands.Add(StoreCommands.List(globals, output));
        root.Subcommands.Add(StoreCommands.Remove(globals, output));
        root.Subcommands.Add(StoreCommands.CollectGarbage(globals, output));
        root.Subcommands.Add(RepositoryCommands.Repo(globals, output));
        root.Subcommands.Add(RepositoryCommands.Remote(globals, output));
        root.Subcommands.Add(RepositoryCommands.Search(globals, output));
        root.Subcommands.Add(InterchangeCommands.Import(globals, output));
        root.Subcommands.Add(InterchangeCommands.Export(globals, output));
        root.Subcommands.Add(InterchangeCommands.Adopt(globals, output));
        root.Subcommands.Add(InstanceCommands.Deploy(globals, output));
        root.Subcommands.Add(InstanceCommands.Vms(globals, output));
        root.Subcommands.Add(InstanceCommands.Start(globals, output));
        root.Subcommands.Add(InstanceCommands.Stop(globals, output));
        root.Subcommands.Add(InstanceCommands.Undeploy(globals, output));
        root.Subcommands.Add(InstanceCommands.Update(globals, output));
        root.Subcommands.Add(InstanceCommands.Rollback(globals, output));
        root.Subcommands.Add(ConfigCommand.Create(globals, output));
        root.Subcommands.Add(GrowCommand.Create(globals, output));
        root.Subcommands.Add(ServeCommand.Create(globals, output));
        root.Subcommands.Add(StatusCommand.Create(globals, output));
        root.Subcommands.Add(WatchCommand.Create(globals, output));
        root.Subcommands.Add(NotifyCommand.Create(globals, output));
        root.Subcommands.Add(DemoCommand.Create(globals, output));
        return root;
    }

    /// <summary>Wraps a verb's handler: every error becomes a message, a hint and an exit code (1 for a bug), with a stack trace only under --debug.</summary>
    internal static void SetHandler(Command command, GlobalOptions globals, Output output, Func<CommandContext, CancellationToken, Task<int>> handler)
    {
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var context = new CommandContext(parseResult, globals, output);
            try
            {
                return await handler(context, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                output.Error("virt-appliance: interrupted");
                return 130;
            }
            catch (Exception error)
            {
                // Every failure, a bug included, ends in an exit code; --debug adds the stack trace.
                var code = ExitCodes.For(error);
                output.Failure(error, code, context.Json, context.Debug);
                return code;
            }
        });
    }
}
