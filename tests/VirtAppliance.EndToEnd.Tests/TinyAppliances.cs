using Shouldly;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>
/// The bootable tiny appliances of tests/fixtures (1.0 writes to its user disk, 2.0 reads it,
/// 3.0 never becomes healthy), packed once and installed into a private store per test.
/// </summary>
internal static class TinyAppliances
{
    private static readonly SemaphoreSlim BuildLock = new(1, 1);
    private const string PackagesPrefix = "virt-appliance-e2e-packages-";
    private static string? packages;
    private static string? fixtures;

    /// <summary>The folder of the built fixtures (tiny-VERSION/ appliance folders, as pack takes them).</summary>
    public static async Task<string> FixturesAsync()
    {
        await PackagesAsync();
        return fixtures!;
    }

    public static readonly string[] Versions = ["1.0", "2.0", "3.0-broken", "4.0-tcp", "5.0-closed"];

    /// <summary>Builds (cached) and packs the three versions; returns the folder holding tiny-VERSION.vapp.</summary>
    public static async Task<string> PackagesAsync()
    {
        await BuildLock.WaitAsync();
        try
        {
            if (packages is not null)
                return packages;
            fixtures = Tools.Run(Path.Combine(CliRunner.RepositoryRoot, "tests", "fixtures", "build-appliances.sh")).Trim().Split('\n')[^1];
            RemoveLeftovers();
            var folder = Path.Combine("/var/tmp", $"{PackagesPrefix}{Environment.ProcessId}");
            Directory.CreateDirectory(folder);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
            foreach (var version in Versions)
            {
                var result = await CliRunner.InProcessAsync("pack", Path.Combine(fixtures, $"tiny-{version}"), "-o", Path.Combine(folder, $"tiny-{version}.vapp"));
                result.ExitCode.ShouldBe(0, result.ToString());
            }
            return packages = folder;
        }
        finally
        {
            BuildLock.Release();
        }
    }

    /// <summary>Package folders of test runs that were killed before they could delete theirs (49 MB each).</summary>
    private static void RemoveLeftovers()
    {
        foreach (var folder in Directory.EnumerateDirectories("/var/tmp", PackagesPrefix + "*"))
        {
            if (int.TryParse(Path.GetFileName(folder)[PackagesPrefix.Length..], out var pid) && !Directory.Exists($"/proc/{pid}"))
                Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A fresh store (0755, under /var/tmp) with all three versions installed.</summary>
    public static async Task<string> StoreAsync(TemporaryFolder work)
    {
        var folder = await PackagesAsync();
        var root = Path.Combine(work.Path, "store");
        foreach (var version in Versions)
        {
            var result = await CliRunner.InProcessAsync("install", Path.Combine(folder, $"tiny-{version}.vapp"), "--root", root, "--allow-unsigned");
            result.ExitCode.ShouldBe(0, result.ToString());
        }
        return root;
    }

    /// <summary>The lines of hello.txt on an ext4 user disk image, read on the host without mounting.</summary>
    public static string[] UserDiskLines(string image) =>
        Tools.Run("debugfs", "-R", "cat /hello.txt", image).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
