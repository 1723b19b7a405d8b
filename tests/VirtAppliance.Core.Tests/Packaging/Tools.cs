using System.Diagnostics;

namespace VirtAppliance.Core.Tests.Packaging;

/// <summary>Runs the real tools (qemu-img, gpg, tar) and fails loudly when one is missing.</summary>
internal static class Tools
{
    public static string Run(string tool, params string[] arguments) => Run(tool, null, arguments);

    public static string Run(string tool, IDictionary<string, string>? environment, params string[] arguments)
    {
        var result = TryRun(tool, environment, arguments);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.Error}");
        return result.Output;
    }

    public static (int ExitCode, string Output, string Error) TryRun(string tool, IDictionary<string, string>? environment, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
                info.Environment[key] = value;
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"'{tool}' is not installed; run scripts/prereqs.sh (it installs qemu-utils, gnupg, tar)", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return (process.ExitCode, output.Result, error.Result);
        }
    }

    /// <summary>Bytes actually allocated on disk for a file (st_blocks × 512).</summary>
    public static long AllocatedBytes(string path) => long.Parse(Run("stat", "-c", "%b", path).Trim(), System.Globalization.CultureInfo.InvariantCulture) * 512;

    public static string Sha256(string path) => Run("sha256sum", path).Split(' ')[0];

    /// <summary>A manifest content digest computed with coreutils only, as docs/package-format.md tells users to.</summary>
    public static string ContentDigest(string path) =>
        Run("bash", "-c", "split -b 4M --filter=sha256sum \"$1\" | cut -c1-64 | tr -d '\\n' | tr a-f A-F | basenc --base16 -d | sha256sum", "digest", path).Split(' ')[0];
}
