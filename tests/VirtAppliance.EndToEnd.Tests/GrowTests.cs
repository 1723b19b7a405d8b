using System.Text.Json;
using Shouldly;
using VirtAppliance.Core.Internal;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>grow on a real VM: online through libvirt, offline with the file system grown by the host; data kept; never smaller.</summary>
public class GrowTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task A_user_disk_grows_while_running_and_while_off_keeping_its_data_and_its_file_system_fills_it()
    {
        // Given a tiny VM that booted once (its init wrote boot-count 1 to the user disk)
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        var name = $"va-e2e-grow-{Guid.NewGuid().ToString("N")[..8]}";
        try
        {
            var deploy = await Cli(root, "deploy", "tiny@1.0", "--name", name);
            deploy.ExitCode.ShouldBe(0, deploy.ToString());
            var dataDisk = DataDiskPath(await Cli(root, "vms", "--json"), name);

            // When the running VM's user disk grows by 64 MiB
            var online = await Cli(root, "grow", name, "data", "+64M", "--json");

            // Then libvirt resized it under the guest, which sees 128 MiB now; the guest is left to grow its file system
            online.ExitCode.ShouldBe(0, online.ToString());
            using (var result = JsonDocument.Parse(online.Stdout))
            {
                result.RootElement.GetProperty("old_size").GetInt64().ShouldBe(64 * MiB);
                result.RootElement.GetProperty("new_size").GetInt64().ShouldBe(128 * MiB);
                result.RootElement.GetProperty("online").GetBoolean().ShouldBeTrue();
                result.RootElement.GetProperty("file_system").GetString().ShouldBe("left_to_guest");
            }
            (await Virsh("domblkinfo", name, "vdb", "--human")).ShouldContain("Capacity:       128.000 MiB");

            // When it is stopped and grown to 256 MiB
            (await Cli(root, "stop", name, "--force")).ExitCode.ShouldBe(0);
            var offline = await Cli(root, "grow", name, "vdb", "256M");

            // Then the file and its ext4 file system both have 256 MiB, and the guest's file is still there
            offline.ExitCode.ShouldBe(0, offline.ToString());
            offline.Stdout.ShouldContain($"{name}: data (vdb) grew from 128 MiB to 256 MiB; its file system grew with it");
            new FileInfo(dataDisk).Length.ShouldBe(256 * MiB);
            var superblock = await ExternalTool.RunAsync("dumpe2fs", ["-h", dataDisk], null, CancellationToken.None);
            (Field(superblock, "Block count") * Field(superblock, "Block size")).ShouldBe(256 * MiB, superblock);
            (await ExternalTool.RunAsync("debugfs", ["-R", "cat /boot-count", dataDisk], null, CancellationToken.None)).Trim().ShouldBe("1");

            // And the VM boots from it, healthy, and counts its second boot on the same disk
            var start = await Cli(root, "start", name);
            start.ExitCode.ShouldBe(0, start.ToString());
            (await File.ReadAllTextAsync(Path.Combine(root, "instances", name, "console.log"), TestContext.Current.CancellationToken)).ShouldContain("virt-appliance: boot 2,");

            // When asked for less, for a system disk, or for a disk it does not have
            var shrink = await Cli(root, "grow", name, "data", "100M");
            var system = await Cli(root, "grow", name, "system", "+1G");
            var missing = await Cli(root, "grow", name, "nosuch", "+1G");
            var noUnit = await Cli(root, "grow", name, "data", "300");

            // Then each is refused with its exit code and what to do, and the disk kept its size
            shrink.ExitCode.ShouldBe(3, shrink.ToString());
            shrink.Stderr.ShouldContain("grow never shrinks a disk");
            system.ExitCode.ShouldBe(3, system.ToString());
            system.Stderr.ShouldContain("--force");
            missing.ExitCode.ShouldBe(7, missing.ToString());
            missing.Stderr.ShouldContain("data (vdb, user)");
            noUnit.ExitCode.ShouldBe(3, noUnit.ToString());
            noUnit.Stderr.ShouldContain("with a unit");
            (await Virsh("domblkinfo", name, "vdb", "--human")).ShouldContain("Capacity:       256.000 MiB");
        }
        finally
        {
            await Cli(root, "undeploy", name, "--delete-data", "--force");
        }
    }

    private static long Field(string dumpe2fs, string field) =>
        long.Parse(dumpe2fs.Split('\n').Single(line => line.StartsWith(field + ":", StringComparison.Ordinal))[(field.Length + 1)..].Trim(),
            System.Globalization.CultureInfo.InvariantCulture);

    private static string DataDiskPath(CliResult vms, string name)
    {
        vms.ExitCode.ShouldBe(0, vms.ToString());
        using var json = JsonDocument.Parse(vms.Stdout);
        var vm = json.RootElement.EnumerateArray().Single(element => element.GetProperty("name").GetString() == name);
        return vm.GetProperty("disks").EnumerateArray().Single(disk => disk.GetProperty("role").GetString() == "user").GetProperty("path").GetString()!;
    }

    private static Task<string> Virsh(params string[] args) =>
        ExternalTool.RunAsync("virsh", ["-c", CliRunner.SystemUri, .. args], null, CancellationToken.None);

    private static Task<CliResult> Cli(string root, params string[] args) => CliRunner.InStoreAsync(root, args);
}
