using System.CommandLine;
using Shouldly;
using VirtAppliance.Cli;
using VirtAppliance.Cli.Rendering;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>A bug (an exception no table entry knows) still ends in exit code 1, with or without --debug.</summary>
public class UnexpectedFailureTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_bug_is_exit_code_1_and_shows_its_stack_trace_only_under_debug(bool debug)
    {
        // Given a verb, wired like every real one, whose handler fails with an exception that is not ours
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var output = Output.ForWriters(stdout, stderr);
        var globals = new GlobalOptions();
        var root = new RootCommand();
        foreach (var option in globals.All)
            root.Options.Add(option);
        var verb = new Command("fail");
        CliApplication.SetHandler(verb, globals, output, (_, _) => throw new InvalidOperationException("a bug in a verb"));
        root.Subcommands.Add(verb);

        // When it runs
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = stdout, Error = stderr };
        var exitCode = await root.Parse(debug ? ["fail", "--debug"] : ["fail"]).InvokeAsync(configuration, TestContext.Current.CancellationToken);

        // Then it is an unexpected failure, reported and not escaping, with the trace only when asked for
        exitCode.ShouldBe(1);
        stderr.ToString().ShouldContain("virt-appliance: error: a bug in a verb");
        if (debug)
        {
            stderr.ToString().ShouldContain("System.InvalidOperationException");
            stderr.ToString().ShouldContain("   at ");
        }
        else
        {
            stderr.ToString().ShouldNotContain("   at ");
        }
    }
}
