using System.Diagnostics;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Internal;

/// <summary>
/// Runs a standard tool (qemu-img, cp, gpg, a build script, the CLI itself in end-to-end tests):
/// the one process runner of src and tests.
/// </summary>
public static class ExternalTool
{
    private const string InstallHint = "make demo and make test install what is needed (scripts/prereqs.sh)";

    /// <summary>Runs the tool and returns what it printed on stdout.</summary>
    /// <param name="hint">What the user can do when the tool exits non-zero.</param>
    /// <exception cref="VirtApplianceException">The tool is missing or exits non-zero (its stderr is in the message).</exception>
    public static async Task<string> RunAsync(string program, IReadOnlyList<string> args, string? hint, CancellationToken cancellationToken)
    {
        var result = await RunUncheckedAsync(program, args, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new VirtApplianceException($"{Path.GetFileName(program)} {string.Join(' ', args)} failed: {result.Stderr.Trim()}") { Hint = hint };
        return result.Stdout;
    }

    /// <summary>
    /// Runs the tool to its end and returns its exit code, stdout and stderr (read concurrently),
    /// whatever the exit code.
    /// </summary>
    /// <param name="environment">Variables set for the tool on top of this process's environment.</param>
    /// <param name="workingDirectory">Where the tool runs; this process's current folder when null.</param>
    /// <exception cref="VirtApplianceException">The tool is not installed.</exception>
    public static async Task<ExternalToolResult> RunUncheckedAsync(
        string program,
        IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(args);
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            throw new VirtApplianceException($"{program} is not installed", error) { Hint = InstallHint };
        }
        using (process)
        {
            try
            {
                var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
                var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
                await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                return new ExternalToolResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
            }
            catch (OperationCanceledException)
            {
                // A cancelled caller cleans up after the tool (a build removes its work folder): the tool must be gone first.
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }
    }
}
