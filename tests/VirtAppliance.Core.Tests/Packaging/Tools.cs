using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Tests.Packaging;

/// <summary>
/// Runs the real tools (qemu-img, gpg, tar) synchronously through <see cref="ExternalTool"/>; a missing
/// tool fails the test (<see cref="Errors.VirtApplianceException"/>), and so does a non-zero exit of Run.
/// </summary>
internal static class Tools
{
    public static string Run(string tool, params string[] arguments) => Run(tool, null, arguments);

    public static string Run(string tool, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var result = TryRun(tool, environment, arguments);
        return result.ExitCode == 0 ? result.Stdout : throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.Stderr}");
    }

    public static ExternalToolResult TryRun(string tool, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        ExternalTool.RunUncheckedAsync(tool, arguments, environment).GetAwaiter().GetResult();

    /// <summary>Bytes actually allocated on disk for a file (st_blocks × 512).</summary>
    public static long AllocatedBytes(string path) => long.Parse(Run("stat", "-c", "%b", path).Trim(), System.Globalization.CultureInfo.InvariantCulture) * 512;

    public static string Sha256(string path) => Run("sha256sum", path).Split(' ')[0];

    /// <summary>A manifest content digest computed with coreutils only, as docs/package-format.md tells users to.</summary>
    public static string ContentDigest(string path) =>
        Run("bash", "-c", "split -b 4M --filter=sha256sum \"$1\" | cut -c1-64 | tr -d '\\n' | tr a-f A-F | basenc --base16 -d | sha256sum", "digest", path).Split(' ')[0];
}
