using System.Diagnostics;
using System.Runtime.CompilerServices;
using VirtAppliance.Cli;
using VirtAppliance.Cli.Rendering;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>Runs the real CLI: in-process for speed, or as the README's launcher for the real thing.</summary>
internal static class CliRunner
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static async Task<CliResult> InProcessAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = await CliApplication.RunAsync(args, Output.ForWriters(stdout, stderr));
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs <c>./virt-appliance</c> from the repository root, as a user would.</summary>
    public static async Task<CliResult> LauncherAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine(RepositoryRoot, "virt-appliance"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryRoot,
        };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private static string FindRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));
}

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
