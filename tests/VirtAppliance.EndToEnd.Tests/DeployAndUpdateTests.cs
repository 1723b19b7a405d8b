using System.Security.Cryptography;
using System.Text.Json;
using Shouldly;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>
/// The heart of the product with the real CLI, the real libvirtd and VMs booting under QEMU (TCG).
/// VM names are unique per test so that runs never collide; every test undeploys what it deployed.
/// </summary>
public class DeployAndUpdateTests
{
    private const string Uri = CliRunner.SystemUri;

    [Fact]
    public async Task Two_instances_run_at_once_each_writing_its_own_user_disk_and_the_pristine_image_is_untouched()
    {
        // Given an installed appliance and the bytes and mtime of its pristine system disk
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        var pristine = Path.Combine(root, "appliances", "tiny", "1.0-1", "system.img");
        var pristineHash = Hash(pristine);
        var pristineTime = File.GetLastWriteTimeUtc(pristine);
        var name = Unique("two");

        try
        {
            // When two VMs are deployed from it
            var deploy = await Cli(root, "deploy", "tiny@1.0", "--name", name, "--count", "2");
            deploy.ExitCode.ShouldBe(0, deploy.ToString());
            var vms = Vms(await Cli(root, "vms", "--json"));

            // Then both run at once, each with its own disks
            vms.Select(vm => vm.GetProperty("name").GetString()).ShouldBe([$"{name}-1", $"{name}-2"]);
            vms.ShouldAllBe(vm => vm.GetProperty("state").GetString() == "running");
            var userDisks = vms.Select(vm => UserDisk(vm)).ToList();
            userDisks.Distinct().Count().ShouldBe(2);

            // And each wrote its line to its own user disk (read back on the host once stopped)
            foreach (var vm in new[] { $"{name}-1", $"{name}-2" })
                (await Cli(root, "stop", vm)).ExitCode.ShouldBe(0);
            foreach (var disk in userDisks)
                TinyAppliances.UserDiskLines(disk).ShouldBe(["written by tiny 1.0 (boot 1)"]);

            // And the pristine image is exactly as installed
            Hash(pristine).ShouldBe(pristineHash);
            File.GetLastWriteTimeUtc(pristine).ShouldBe(pristineTime);

            // When every VM of the appliance is updated at once while stopped
            var all = await Cli(root, "update", "--all", "tiny", "--to", "2.0", "--parallel", "2", "--set", "mail_host=mail.example.test");

            // Then both are on 2.0 and stay stopped, as they were
            all.ExitCode.ShouldBe(0, all.ToString());
            var updated = Vms(await Cli(root, "vms", "--json"));
            updated.ShouldAllBe(vm => vm.GetProperty("version").GetString() == "2.0" && vm.GetProperty("state").GetString() == "shut off");
        }
        finally
        {
            await Cli(root, "undeploy", $"{name}-1", "--delete-data");
            await Cli(root, "undeploy", $"{name}-2", "--delete-data");
        }
    }

    [Fact]
    public async Task An_update_keeps_the_data_of_the_old_version_and_a_broken_update_rolls_back()
    {
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        var name = Unique("upd");
        try
        {
            // Given a VM of version 1.0 that wrote its line
            (await Cli(root, "deploy", "tiny@1.0", "--name", name)).ExitCode.ShouldBe(0);
            var before = Vms(await Cli(root, "vms", "--json")).Single();
            var scratchBefore = FileIdentity(Disk(before, "scratch"));

            // When it is updated to 2.0
            var update = await Cli(root, "update", name, "--to", "2.0", "--set", "mail_host=mail.example.test");

            // Then 2.0 runs, reads what 1.0 wrote, its system disk points at 2.0 and its scratch disk is new
            update.ExitCode.ShouldBe(0, update.ToString());
            update.Stdout.ShouldContain("1.0-1 → 2.0-1");
            var after = Vms(await Cli(root, "vms", "--json")).Single();
            after.GetProperty("version").GetString().ShouldBe("2.0");
            after.GetProperty("state").GetString().ShouldBe("running");
            File.ReadAllText(after.GetProperty("console_log").GetString()!).ShouldContain("virt-appliance: user data: written by tiny 1.0 (boot 1)");
            Tools.Run("qemu-img", "info", "-U", "--output=json", Disk(after, "system"))
                .ShouldContain(Path.Combine(root, "appliances", "tiny", "2.0-1", "system.img"));
            FileIdentity(Disk(after, "scratch")).ShouldNotBe(scratchBefore);
            Disk(after, "user").ShouldBe(Disk(before, "user"));
            // and 1.0, its rollback target, cannot be removed, and remove says why
            var remove = await Cli(root, "remove", "tiny@1.0");
            remove.ExitCode.ShouldBe(8, remove.ToString());
            remove.Stderr.ShouldContain($"{name} keeps it as its rollback target");

            // When it is updated to the broken 3.0
            var broken = await Cli(root, "update", name, "--to", "3.0");

            // Then the update fails, says why, and the VM is back on 2.0 with its data
            broken.ExitCode.ShouldBe(6, broken.ToString());
            broken.Stderr.ShouldContain("rolled back to tiny@2.0-1", customMessage: broken.ToString());
            broken.Stderr.ShouldContain("did not become healthy", customMessage: broken.ToString());
            var failedLog = Path.Combine(root, "instances", name, "console-failed-3.0-1.log");
            broken.Stderr.ShouldContain(failedLog);
            File.ReadAllText(failedLog).ShouldContain("virt-appliance: broken build, failing");
            var rolledBack = Vms(await Cli(root, "vms", "--json")).Single();
            rolledBack.GetProperty("version").GetString().ShouldBe("2.0");
            rolledBack.GetProperty("state").GetString().ShouldBe("running");
            (await Cli(root, "stop", name)).ExitCode.ShouldBe(0);
            var lines = TinyAppliances.UserDiskLines(Disk(rolledBack, "user"));
            lines.ShouldContain("written by tiny 1.0 (boot 1)");
            lines.ShouldContain("written by tiny 2.0 (boot 2)", "2.0's writes were merged into the user disk once it was healthy");
            // and 3.0's half-done migration is gone: it wrote to a layer that was thrown away
            lines.ShouldNotContain(line => line.StartsWith("half-migrated by tiny 3.0", StringComparison.Ordinal));
            Directory.GetFiles(Path.Combine(root, "instances", name), "*.update.qcow2").ShouldBeEmpty();

            // And rollback by hand returns to 1.0
            var rollback = await Cli(root, "rollback", name);
            rollback.ExitCode.ShouldBe(0, rollback.ToString());
            Vms(await Cli(root, "vms", "--json")).Single().GetProperty("version").GetString().ShouldBe("1.0");
        }
        finally
        {
            await Cli(root, "undeploy", name, "--delete-data");
        }
    }

    [Fact]
    public async Task Undeploy_keeps_user_disks_unless_asked_and_an_appliance_in_use_cannot_be_removed()
    {
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        var name = Unique("keep");
        try
        {
            (await Cli(root, "deploy", "tiny@1.0", "--name", name, "--no-start")).ExitCode.ShouldBe(0);

            var remove = await Cli(root, "remove", "tiny@1.0");
            remove.ExitCode.ShouldBe(8, remove.ToString());
            remove.Stderr.ShouldContain(name);

            // A domain removed behind our back is reported as such
            Tools.Run("virsh", "-c", Uri, "undefine", name);
            Vms(await Cli(root, "vms", "--json")).Single().GetProperty("domain_missing").GetBoolean().ShouldBeTrue();

            var undeploy = await Cli(root, "undeploy", name, "--json");
            undeploy.ExitCode.ShouldBe(0, undeploy.ToString());
            var kept = JsonDocument.Parse(undeploy.Stdout).RootElement.GetProperty("kept_user_disks").EnumerateArray().Select(disk => disk.GetString()!).ToList();
            kept.Count.ShouldBe(1);
            File.Exists(kept[0]).ShouldBeTrue();
            Directory.Exists(Path.Combine(root, "instances", name)).ShouldBeFalse();
            (await Cli(root, "remove", "tiny@1.0")).ExitCode.ShouldBe(0);
        }
        finally
        {
            await Cli(root, "undeploy", name, "--delete-data");
        }
    }

    [Fact]
    public async Task Bad_deploys_fail_with_their_exit_codes_and_leave_nothing_behind()
    {
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        var name = Unique("bad");
        try
        {
            (await Cli(root, "deploy", "nosuch", "--name", name)).ExitCode.ShouldBe(7);
            (await Cli(root, "deploy", "tiny@9.9", "--name", name)).ExitCode.ShouldBe(7);
            (await Cli(root, "deploy", "tiny@1.0", "--name", "bad name!")).ExitCode.ShouldBe(3);
            var unreachable = await CliRunner.InProcessAsync("deploy", "tiny@1.0", "--name", name, "--root", root,
                "--connect", "qemu+unix:///system?socket=/nonexistent/sock", "--virt-type", "qemu");
            unreachable.ExitCode.ShouldBe(6, unreachable.ToString());
            var broken = await Cli(root, "deploy", "tiny@3.0", "--name", name);
            broken.ExitCode.ShouldBe(6, broken.ToString());
            broken.Stderr.ShouldContain("broken build");

            Directory.Exists(Path.Combine(root, "instances", name)).ShouldBeFalse();
            Vms(await Cli(root, "vms", "--json")).ShouldBeEmpty();

            (await Cli(root, "deploy", "tiny@1.0", "--name", name, "--no-start")).ExitCode.ShouldBe(0);
            var again = await Cli(root, "deploy", "tiny@1.0", "--name", name, "--no-start");
            again.ExitCode.ShouldBe(8, again.ToString());
        }
        finally
        {
            await Cli(root, "undeploy", name, "--delete-data");
        }
    }

    private static Task<CliResult> Cli(string root, params string[] args) => CliRunner.InStoreAsync(root, args);

    private static List<JsonElement> Vms(CliResult result)
    {
        result.ExitCode.ShouldBe(0, result.ToString());
        return JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().ToList();
    }

    private static string Disk(JsonElement vm, string role) =>
        vm.GetProperty("disks").EnumerateArray().Single(disk => disk.GetProperty("role").GetString() == role).GetProperty("path").GetString()!;

    private static string UserDisk(JsonElement vm) => Disk(vm, "user");

    private static string Unique(string purpose) => $"va-e2e-{purpose}-{Guid.NewGuid().ToString("N")[..8]}";

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    /// <summary>Inode numbers are reused at once; inode and birth time (ns) together tell a new file.</summary>
    private static string FileIdentity(string path) => Tools.Run("stat", "-c", "%i %w", path).Trim();
}
