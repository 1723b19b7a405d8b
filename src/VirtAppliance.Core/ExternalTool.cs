using System.Diagnostics;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core;

/// <summary>Runs a standard tool (qemu-img, cp, gpg, a build script) and returns what it printed.</summary>
public static class ExternalTool
{
    /// <exception cref="VirtApplianceException">The tool is missing or exits non-zero (its stderr is in the message).</exception>
    public static async Task<string> RunAsync(string program, IReadOnlyList<string> args, string? hint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            throw new VirtApplianceException($"{program} is not installed", error) { Hint = "make demo and make test install what is needed (scripts/prereqs.sh)" };
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            var stdout = await process.StandardOutput.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0)
                throw new VirtApplianceException($"{Path.GetFileName(program)} {string.Join(' ', args)} failed: {(await stderr.ConfigureAwait(false)).Trim()}") { Hint = hint };
            return stdout;
        }
    }
}
