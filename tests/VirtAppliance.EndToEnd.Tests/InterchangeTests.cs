using System.IO.Compression;
using System.Text.Json;
using Shouldly;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>export --rpm with the real rpmbuild, rpmsign, createrepo_c and rpm; export --ova → import → boot on qemu:///system.</summary>
public class InterchangeTests
{
    [Fact]
    public async Task A_signed_RPM_from_a_file_repository_installs_registers_and_refuses_its_erase_while_a_VM_uses_it()
    {
        // Given the tiny appliance exported as a signed RPM into a repository
        using var work = new TemporaryFolder();
        using var gpg = new GnuPg();
        var package = Path.Combine(await TinyAppliances.PackagesAsync(), "tiny-1.0.vapp");
        var repository = Path.Combine(work.Path, "repo");
        var export = await CliRunner.InProcessAsync("export", "--rpm", package, "-o", repository, "--sign-key", gpg.SecretKeyPath, "--json");
        export.ExitCode.ShouldBe(0, export.ToString());
        var rpm = JsonDocument.Parse(export.Stdout).RootElement.GetProperty("rpm").GetString()!;
        Path.GetFileName(rpm).ShouldBe("appliance-tiny-1.0-1.noarch.rpm");
        using (var primary = new GZipStream(File.OpenRead(Directory.GetFiles(Path.Combine(repository, "repodata"), "*-primary.xml.gz").Single()), CompressionMode.Decompress))
            new StreamReader(primary).ReadToEnd().ShouldContain("<name>appliance-tiny</name>");
        var url = "file://" + rpm;

        // Then a root without the supplier's key refuses it where signatures are enforced (as dnf's gpgcheck does)
        using (var bare = new RpmRoot(withCli: false))
        {
            var refused = bare.Rpm("-i", "--define", "_pkgverify_level signature", url);
            refused.ExitCode.ShouldNotBe(0, refused.Output);
            refused.Output.ShouldContain("NOKEY");

            // and with the key, rpm -K verifies it; installed without the CLI in the root, the next CLI run registers it
            bare.Rpm("--import", gpg.PublicKeyPath).ExitCode.ShouldBe(0);
            var check = bare.Rpm("-K", rpm);
            check.Output.ShouldContain("signatures OK", customMessage: check.Output);
            var installed = bare.Rpm("-i", "--define", "_pkgverify_level signature", url);
            installed.ExitCode.ShouldBe(0, installed.Output);
            installed.Output.ShouldContain("registers the appliance at its next run");
            var list = await CliRunner.InProcessAsync("list", "--root", bare.Store, "--json");
            JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().Single().GetProperty("id").GetString().ShouldBe("tiny@1.0-1");
            (await CliRunner.InProcessAsync("verify", "tiny@1.0", "--root", bare.Store)).ExitCode.ShouldBe(0);
        }

        // When it is installed into a root where the CLI runs (its scriptlets call it)
        using var root = new RpmRoot(withCli: true);
        root.Rpm("--import", gpg.PublicKeyPath).ExitCode.ShouldBe(0);
        var install = root.Rpm("-i", url);
        install.ExitCode.ShouldBe(0, install.Output);
        install.Output.ShouldContain("registered tiny@1.0-1");
        var name = $"va-e2e-rpm-{Guid.NewGuid().ToString("N")[..8]}";
        try
        {
            var deploy = await CliRunner.InStoreAsync(root.Store, "deploy", "tiny@1.0", "--name", name, "--no-start");
            deploy.ExitCode.ShouldBe(0, deploy.ToString());

            // Then the erase is refused while the VM uses it, and the appliance stays
            var refused = root.Rpm("-e", "appliance-tiny");
            refused.ExitCode.ShouldNotBe(0, refused.Output);
            refused.Output.ShouldContain("remove refused (exit 8)");
            root.Rpm("-q", "appliance-tiny").ExitCode.ShouldBe(0);
            Directory.Exists(Path.Combine(root.Store, "appliances", "tiny", "1.0-1")).ShouldBeTrue();

            // and once the VM is gone the erase goes through and the store no longer lists it
            (await CliRunner.InStoreAsync(root.Store, "undeploy", name, "--delete-data")).ExitCode.ShouldBe(0);
            var erased = root.Rpm("-e", "appliance-tiny");
            erased.ExitCode.ShouldBe(0, erased.Output);
            var after = await CliRunner.InProcessAsync("list", "--root", root.Store, "--json");
            JsonDocument.Parse(after.Stdout).RootElement.GetArrayLength().ShouldBe(0);
        }
        finally
        {
            await CliRunner.InStoreAsync(root.Store, "undeploy", name, "--delete-data");
        }
    }

    [Fact]
    public async Task The_tiny_appliance_exported_as_OVA_and_imported_again_boots_healthy()
    {
        // Given the tiny appliance as an OVA
        using var work = new TemporaryFolder();
        var package = Path.Combine(await TinyAppliances.PackagesAsync(), "tiny-1.0.vapp");
        var ova = Path.Combine(work.Path, "tiny.ova");
        var export = await CliRunner.InProcessAsync("export", "--ova", package, "-o", ova);
        export.ExitCode.ShouldBe(0, export.ToString());

        // When it is imported, packed, installed and deployed
        var folder = Path.Combine(work.Path, "imported");
        var import = await CliRunner.InProcessAsync("import", ova, "-o", folder);
        import.ExitCode.ShouldBe(0, import.ToString());
        import.Stdout.ShouldContain("manifest: SHA256");
        var repacked = Path.Combine(work.Path, "imported.vapp");
        (await CliRunner.InProcessAsync("pack", folder, "-o", repacked)).ExitCode.ShouldBe(0);
        var store = Path.Combine(work.Path, "store");
        (await CliRunner.InProcessAsync("install", repacked, "--root", store, "--allow-unsigned")).ExitCode.ShouldBe(0);
        var name = $"va-e2e-ova-{Guid.NewGuid().ToString("N")[..8]}";
        try
        {
            var deploy = await CliRunner.InStoreAsync(store, "deploy", "tiny@1.0", "--name", name);

            // Then it boots and becomes healthy, from qcow2 disks converted from streamOptimized VMDKs
            deploy.ExitCode.ShouldBe(0, deploy.ToString());
            var vm = JsonDocument.Parse((await CliRunner.InProcessAsync("vms", "--root", store, "--json")).Stdout).RootElement.EnumerateArray().Single();
            vm.GetProperty("state").GetString().ShouldBe("running");
            File.ReadAllText(vm.GetProperty("console_log").GetString()!).ShouldContain("virt-appliance: healthy");
            Tools.Run("qemu-img", "info", "-U", Path.Combine(store, "appliances", "tiny", "1.0-1", "system.qcow2")).ShouldContain("file format: qcow2");
        }
        finally
        {
            await CliRunner.InStoreAsync(store, "undeploy", name, "--delete-data");
        }
    }

    [Fact]
    public async Task A_malformed_OVF_descriptor_is_exit_3_with_its_line_and_column_and_nothing_written()
    {
        using var work = new TemporaryFolder();
        var ovf = work.Write("bad.ovf", """
            <?xml version="1.0"?>
            <Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1">
              <DiskSection><Disk ovf:diskId="d1" ovf:capacity="lots"/></DiskSection>
              <VirtualSystem ovf:id="x"><VirtualHardwareSection/></VirtualSystem>
            </Envelope>
            """);

        var malformed = await CliRunner.InProcessAsync("import", ovf, "-o", Path.Combine(work.Path, "out"));

        malformed.ExitCode.ShouldBe(3, malformed.ToString());
        malformed.Stderr.ShouldContain($"{ovf}:3:17: error: disk 'd1': capacity 'lots' is not a positive whole number");
        Directory.Exists(Path.Combine(work.Path, "out")).ShouldBeFalse();
    }
}
