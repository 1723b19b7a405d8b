using System.CommandLine;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Cli.Commands;

/// <summary>The whole life of an appliance on bundled examples, with plain explanations, for a new user.</summary>
internal static class DemoCommand
{
    public static Command Create(GlobalOptions globals, Output output)
    {
        var command = new Command("demo", """
            Walk through what virt-appliance does, on the appliances bundled with it:
            describe and check an appliance, then (as those capabilities land) pack, install,
            deploy, update. Safe to run: it works in a private store.

            Examples:
              virt-appliance demo
            """);
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var source = SourceTree.Find() ?? throw new NotFoundException("the demo needs the virt-appliance source tree (its bundled appliances)")
            {
                Hint = "run it from a checkout: ./virt-appliance demo (or make demo)",
            };
            var example = Path.Combine(source, "examples", "wiki");
            var steps = new (string Explanation, string[] Args)[]
            {
                ("An appliance is a folder: appliance.xml (metadata) next to its disk images. "
                    + "'validate' checks the descriptor and names every problem with its line and column.", ["validate", example]),
                ("'inspect' shows what the appliance is: boots, disks with their roles "
                    + "(system: the supplier's code; user: your data; scratch: temporary), site parameters, health check.", ["inspect", example]),
            };
            var number = 0;
            foreach (var (explanation, args) in steps)
            {
                cancellationToken.ThrowIfCancellationRequested();
                context.Output.Line();
                context.Output.Line($"== step {++number}: virt-appliance {string.Join(' ', args.Select(Quote))}");
                context.Output.Line(explanation);
                context.Output.Line();
                var exitCode = await CliApplication.RunAsync(args, context.Output).ConfigureAwait(false);
                if (exitCode != ExitCodes.Success)
                {
                    context.Output.Error($"virt-appliance: demo step {number} failed with exit code {exitCode}");
                    return exitCode;
                }
            }
            context.Output.Line();
            context.Output.Line("Demo finished.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Quote(string argument) => argument.Contains(' ', StringComparison.Ordinal) ? $"'{argument}'" : argument;
}
