using VirtAppliance.Core.Internal;
using Xunit;

namespace VirtAppliance.Libvirt.Tests.Support;

/// <summary>
/// The bootable appliances built by tests/fixtures/build-appliances.sh.
/// The folder is $VIRT_APPLIANCE_FIXTURES, default /var/tmp/virt-appliance-fixtures. A test asks for
/// a file inside it; the script runs once per test run (cached, it rebuilds only what changed), and
/// when the script is absent the test fails saying so — it never skips.
/// </summary>
internal static class ApplianceFixtures
{
    public const string EnvironmentVariable = "VIRT_APPLIANCE_FIXTURES";
    public const string DefaultFolder = "/var/tmp/virt-appliance-fixtures";
    private const string ScriptPath = "tests/fixtures/build-appliances.sh";
    private static readonly SemaphoreSlim BuildGate = new(1, 1);
    private static bool built;

    public static string Folder => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } folder
        ? folder
        : DefaultFolder;

    /// <summary>The full path of <paramref name="relativePath"/> in the fixture folder, building the fixtures first if needed.</summary>
    public static async Task<string> RequireAsync(string relativePath, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Folder, relativePath);
        await BuildGate.WaitAsync(cancellationToken);
        try
        {
            // The script is cached (a few ms when up to date) and rebuilds what changed.
            if (!built)
            {
                await BuildAsync(cancellationToken);
                built = true;
            }
        }
        finally
        {
            BuildGate.Release();
        }

        if (!File.Exists(path) && !Directory.Exists(path))
        {
            Assert.Fail($"{ScriptPath} ran but did not produce {path}.");
        }

        return path;
    }

    private static async Task BuildAsync(CancellationToken cancellationToken)
    {
        var script = FindRepositoryFile(ScriptPath);
        if (script is null)
        {
            Assert.Fail(
                $"The bootable test appliance is missing from {Folder} and {ScriptPath} is not in this checkout "
                + "(run the tests from a checkout), or set {EnvironmentVariable} to a folder holding the fixtures.");
        }

        var result = await ExternalTool.RunUncheckedAsync("bash", [script!, Folder], cancellationToken: cancellationToken);
        if (result.ExitCode != 0)
        {
            Assert.Fail($"{ScriptPath} failed with exit code {result.ExitCode}:\n{result.Stderr}\n{result.Stdout}");
        }
    }

    private static string? FindRepositoryFile(string relativePath)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "VirtAppliance.slnx")))
            {
                var candidate = Path.Combine(folder.FullName, relativePath);
                return File.Exists(candidate) ? candidate : null;
            }
        }

        return null;
    }
}
