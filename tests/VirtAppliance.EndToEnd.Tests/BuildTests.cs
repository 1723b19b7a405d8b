using System.Xml.Linq;
using Shouldly;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>
/// build, for real: the small recipe (tests/fixtures/recipes/hello) through mmdebstrap from Debian's archive, Puppet
/// inside the new root, the kickstart's partitions on raw disks; the result packs, installs, boots under TCG and shows
/// on its console what Puppet made at build and at first boot. A rebuild gives the same digests; a rebuilt 1.1 updates
/// the VM and the user disk's data is still there.
/// </summary>
public class BuildTests
{
    private static readonly string HelloRecipe = Path.Combine(CliRunner.RepositoryRoot, "tests", "fixtures", "recipes", "hello");

    [Fact]
    public async Task A_recipe_builds_reproducibly_boots_with_Puppets_result_and_a_rebuilt_version_updates_keeping_the_user_disk()
    {
        using var work = new TemporaryFolder();
        var recipe = CopyRecipe(work.Path, "recipe");
        var root = Path.Combine(work.Path, "store");
        var vm = $"va-e2e-build-{Guid.NewGuid().ToString("N")[..6]}";

        // When the recipe is built twice into two folders
        var first = await Cli(root, "build", recipe, "-o", Path.Combine(work.Path, "first"), "--json");
        first.ExitCode.ShouldBe(0, first.ToString());
        var second = await Cli(root, "build", recipe, "-o", Path.Combine(work.Path, "second"));
        second.ExitCode.ShouldBe(0, second.ToString());

        // Then both have the same disk digests (fixed times, UUIDs, seeds), and the descriptor lists the packages
        var firstDisks = Checksums(Path.Combine(work.Path, "first"));
        firstDisks.Keys.ShouldBe(["system", "data"]);
        Checksums(Path.Combine(work.Path, "second")).ShouldBe(firstDisks);
        second.Stderr.ShouldContain("build: [2/5] root:");
        var packages = XDocument.Load(Path.Combine(work.Path, "first", "appliance.xml")).Descendants().Where(element => element.Name.LocalName == "package").ToList();
        packages.ShouldContain(package => (string?)package.Attribute("name") == "puppet");
        packages.ShouldContain(package => ((string?)package.Attribute("name") ?? "").StartsWith("linux-image-", StringComparison.Ordinal));

        try
        {
            // When it is packed, installed and deployed with a site value
            (await Cli(root, "pack", Path.Combine(work.Path, "first"), "-o", Path.Combine(work.Path, "hello-1.0.vapp"))).ExitCode.ShouldBe(0);
            (await Cli(root, "install", Path.Combine(work.Path, "hello-1.0.vapp"), "--allow-unsigned")).ExitCode.ShouldBe(0);
            var deploy = await Cli(root, "deploy", "hello-recipe", "--name", vm, "--set", "greeting=bonjour");
            deploy.ExitCode.ShouldBe(0, deploy.ToString());

            // Then the guest shows Puppet's build-phase file, the %post file, the kickstart's timezone, and Puppet's
            // first-boot run with the site's value; the user disk's partition is mounted
            var console = Console(root, vm);
            console.ShouldContain("virt-appliance: puppet applied in ");
            console.ShouldContain("hello: built=made by puppet at build\n");
            console.ShouldContain("hello: post=written by %post\n");
            console.ShouldContain($"hello: greeting=bonjour from {vm}\n");
            console.ShouldContain("hello: timezone=Etc/UTC\n");
            console.ShouldContain("hello: boots=1\n");

            // When version 1.1 of the recipe (Puppet writes something else at build) is built and the VM updated to it
            await ReplaceAsync(Path.Combine(recipe, "appliance.xml"), "<name version=\"1.0\"", "<name version=\"1.1\"");
            await ReplaceAsync(Path.Combine(recipe, "puppet", "modules", "hello", "manifests", "init.pp"), "made by puppet at build", "made by puppet at build of 1.1");
            var rebuilt = await Cli(root, "build", recipe, "-o", Path.Combine(work.Path, "rebuilt"));
            rebuilt.ExitCode.ShouldBe(0, rebuilt.ToString());
            Checksums(Path.Combine(work.Path, "rebuilt"))["system"].ShouldNotBe(firstDisks["system"]);
            (await Cli(root, "pack", Path.Combine(work.Path, "rebuilt"), "-o", Path.Combine(work.Path, "hello-1.1.vapp"))).ExitCode.ShouldBe(0);
            (await Cli(root, "install", Path.Combine(work.Path, "hello-1.1.vapp"), "--allow-unsigned")).ExitCode.ShouldBe(0);
            var update = await Cli(root, "update", vm, "--to", "1.1");
            update.ExitCode.ShouldBe(0, update.ToString());

            // Then the new system disk's Puppet ran again with the kept site value, and the user disk kept its count
            var updated = Console(root, vm);
            updated.ShouldContain("hello: built=made by puppet at build of 1.1\n");
            updated.ShouldContain($"hello: greeting=bonjour from {vm}\n");
            updated.ShouldContain("hello: boots=2\n");

            // When its user disk grows by 32 MiB while it runs
            var online = await Cli(root, "grow", vm, "data", "+32M");
            online.ExitCode.ShouldBe(0, online.ToString());

            // Then the guest extends its partition and file system on the kernel's resize event (/usr/lib/virt-appliance/grow)
            (await GrownToMiBAsync(root, vm)).ShouldBeInRange(90, 96);

            // When it grows by 32 MiB more while the VM is off
            (await Cli(root, "stop", vm)).ExitCode.ShouldBe(0);
            var offline = await Cli(root, "grow", vm, "data", "+32M");
            offline.ExitCode.ShouldBe(0, offline.ToString());
            offline.Stdout.ShouldContain("the guest grows its file system");
            (await Cli(root, "start", vm)).ExitCode.ShouldBe(0);

            // Then the guest's setup grows them at boot, and the user disk still holds its count
            (await GrownToMiBAsync(root, vm)).ShouldBeInRange(122, 128);
            Console(root, vm).ShouldContain("hello: boots=3\n");
        }
        finally
        {
            await Cli(root, "undeploy", vm, "--delete-data");
        }
    }

    [Fact]
    public async Task A_bad_kickstart_line_is_refused_with_its_file_line_and_column_and_nothing_is_written()
    {
        using var work = new TemporaryFolder();
        var recipe = CopyRecipe(work.Path, "recipe");
        await ReplaceAsync(Path.Combine(recipe, "hello.ks"), "timezone Etc/UTC --utc", "timezone Etc/UTC --utc\nautopart");
        var output = Path.Combine(work.Path, "out");

        var result = await Cli(Path.Combine(work.Path, "store"), "build", recipe, "-o", output);

        result.ExitCode.ShouldBe(3, result.ToString());
        result.Stderr.ShouldContain($"{Path.Combine(recipe, "hello.ks")}:10:1: error:");
        result.Stderr.ShouldContain("the recipe is not valid");
        Directory.Exists(output).ShouldBeFalse();
    }

    [Fact]
    public async Task A_package_the_archive_does_not_have_is_named_and_the_output_folder_is_left_alone()
    {
        using var work = new TemporaryFolder();
        var recipe = CopyRecipe(work.Path, "recipe");
        await ReplaceAsync(Path.Combine(recipe, "hello.ks"), "%packages --excludedocs\n", "%packages --excludedocs\nno-such-package-va\n");
        var output = Path.Combine(work.Path, "out");

        var result = await Cli(Path.Combine(work.Path, "store"), "build", recipe, "-o", output);

        result.ExitCode.ShouldBe(3, result.ToString());
        result.Stderr.ShouldContain("%packages names packages the repositories do not have: no-such-package-va");
        Directory.Exists(output).ShouldBeFalse();
        Directory.GetFileSystemEntries(work.Path).Select(Path.GetFileName).ShouldNotContain(name => name!.StartsWith(".out.build-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_interrupted_build_stops_mmdebstrap_and_leaves_no_work_folder_no_mount_and_no_output()
    {
        using var work = new TemporaryFolder();
        var recipe = CopyRecipe(work.Path, "recipe");
        var output = Path.Combine(work.Path, "out");
        using var build = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Path.Combine(CliRunner.RepositoryRoot, "virt-appliance"),
            ["build", recipe, "-o", output]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var stderr = new System.Text.StringBuilder();
        var rootStarted = new TaskCompletionSource();
        build.ErrorDataReceived += (_, line) =>
        {
            lock (stderr)
                stderr.AppendLine(line.Data);
            if (line.Data?.Contains("[2/5] root", StringComparison.Ordinal) == true)
                rootStarted.TrySetResult();
        };
        build.BeginErrorReadLine();

        // When the user presses Ctrl-C while mmdebstrap fills the root (its chroot has /proc, /sys and /dev mounted)
        await rootStarted.Task.WaitAsync(TimeSpan.FromMinutes(3), TestContext.Current.CancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);
        Tools.Run("kill", "-INT", build.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await build.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

        // Then the build says so, and nothing of it is left: no output, no work folder, no mount, no mmdebstrap
        build.ExitCode.ShouldBe(130, stderr.ToString());
        Directory.Exists(output).ShouldBeFalse();
        Directory.GetFileSystemEntries(work.Path).Select(Path.GetFileName).ShouldNotContain(name => name!.StartsWith(".out.build-", StringComparison.Ordinal));
        (await File.ReadAllTextAsync("/proc/self/mounts", TestContext.Current.CancellationToken)).ShouldNotContain(work.Path);
        Tools.Run("sh", "-c", "pgrep -f \"[m]mdebstrap.*" + work.Path + "\" || true").Trim().ShouldBeEmpty();
    }

    private static string CopyRecipe(string parent, string name)
    {
        var target = Path.Combine(parent, name);
        Tools.Run("cp", "-r", HelloRecipe, target);
        return target;
    }

    private static Dictionary<string, string> Checksums(string appliance) =>
        XDocument.Load(Path.Combine(appliance, "appliance.xml")).Descendants("disk")
            .ToDictionary(disk => (string)disk.Attribute("id")!, disk => disk.Element("checksum")!.Value);

    private static async Task ReplaceAsync(string path, string from, string to)
    {
        var text = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        text.ShouldContain(from);
        await File.WriteAllTextAsync(path, text.Replace(from, to, StringComparison.Ordinal), TestContext.Current.CancellationToken);
    }

    private static Task<CliResult> Cli(string root, params string[] args) => CliRunner.InStoreAsync(root, args);

    /// <summary>Waits for the guest's "grew the file system on /dev/vdb1 to N MiB" console line; returns N.</summary>
    private static async Task<int> GrownToMiBAsync(string root, string vm)
    {
        const string prefix = "virt-appliance: grew the file system on /dev/vdb1 to ";
        for (var attempt = 0; attempt < 120; attempt++)
        {
            var line = Console(root, vm).Split('\n').FirstOrDefault(text => text.StartsWith(prefix, StringComparison.Ordinal));
            if (line is not null)
                return int.Parse(line[prefix.Length..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        }
        throw new ShouldAssertException($"the guest did not report growing /dev/vdb1:\n{Console(root, vm)}");
    }

    private static string Console(string root, string vm) =>
        File.ReadAllText(Path.Combine(root, "instances", vm, "console.log")).Replace("\r", "", StringComparison.Ordinal);
}
