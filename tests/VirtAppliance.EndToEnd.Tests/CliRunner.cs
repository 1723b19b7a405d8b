using System.Runtime.CompilerServices;
using VirtAppliance.Cli;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Core.Internal;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>Runs the real CLI: in-process for speed, or as the README's launcher for the real thing.</summary>
internal static class CliRunner
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static Task<CliResult> InProcessAsync(params string[] args) => InProcessWithWidthAsync(120, args);

    /// <summary>Runs in-process with tables laid out for a console <paramref name="width"/> columns wide.</summary>
    public static async Task<CliResult> InProcessWithWidthAsync(int width, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = await CliApplication.RunAsync(args, Output.ForWriters(stdout, stderr, width));
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs <c>./virt-appliance</c> from the repository root, as a user would.</summary>
    /// <summary>The libvirt the end-to-end tests deploy on (the system daemon, QEMU under TCG).</summary>
    public const string SystemUri = "qemu:///system";

    /// <summary>The CLI in-process on the store at <paramref name="root"/>; deploy goes to the system libvirt with software emulation.</summary>
    public static Task<CliResult> InStoreAsync(string root, params string[] args) =>
        InProcessAsync([.. args, "--root", root, .. args[0] is "deploy" ? new[] { "--connect", SystemUri, "--virt-type", "qemu" } : []]);

    public static async Task<CliResult> LauncherAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var result = await ExternalTool.RunUncheckedAsync(
            Path.Combine(RepositoryRoot, "virt-appliance"), args, environment, RepositoryRoot, TestContext.Current.CancellationToken);
        return new CliResult(result.ExitCode, result.Stdout, result.Stderr);
    }

    private static string FindRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));
}

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
