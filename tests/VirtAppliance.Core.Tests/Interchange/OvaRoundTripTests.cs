using System.Formats.Tar;
using Shouldly;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Services;
using Xunit;

namespace VirtAppliance.Core.Tests.Interchange;

/// <summary>export --ova then import, with the real qemu-img: the appliance comes back equivalent; a changed byte is refused.</summary>
public sealed class OvaRoundTripTests : IDisposable
{
    private readonly string work = Directory.CreateTempSubdirectory("va-ova-").FullName;
    private readonly InterchangeService service = new(_ => null);

    public void Dispose() => Directory.Delete(work, recursive: true);

    private async Task<string> ApplianceAsync()
    {
        var folder = Path.Combine(work, "app");
        Directory.CreateDirectory(folder);
        var token = TestContext.Current.CancellationToken;
        await Internal.ExternalTool.RunAsync("qemu-img", ["create", "-q", "-f", "raw", Path.Combine(folder, "system.img"), "8M"], null, token);
        await Internal.ExternalTool.RunAsync("qemu-img", ["create", "-q", "-f", "qcow2", Path.Combine(folder, "data.qcow2"), "32M"], null, token);
        await File.WriteAllTextAsync(Path.Combine(folder, "vmlinuz"), "kernel", token);
        await File.WriteAllTextAsync(Path.Combine(folder, "motd.liquid"), "hello {{ site.greeting }}", token);
        await File.WriteAllTextAsync(Path.Combine(folder, "appliance.xml"), """
            <image>
              <name version="2.1" release="3">web</name>
              <label>Web appliance</label>
              <description>A web server.</description>
              <domain>
                <boot type="hvm">
                  <guest><arch>x86_64</arch><features><acpi/></features></guest>
                  <os><kernel>vmlinuz</kernel><cmdline>console=ttyS0</cmdline></os>
                  <drive disk="system" target="vda"/><drive disk="data" target="vdb"/><drive disk="scratch" target="vdc"/>
                </boot>
                <devices><vcpu>2</vcpu><memory unit="MiB">512</memory><interface/><interface/></devices>
              </domain>
              <storage>
                <disk id="system" file="system.img" use="system" format="raw"/>
                <disk id="data" file="data.qcow2" use="user" format="qcow2"/>
                <disk id="scratch" use="scratch" size="16"/>
              </storage>
              <parameters>
                <parameter name="greeting" type="string"><default>hi</default></parameter>
                <parameter name="admin_email" type="email" required="true"/>
                <parameter name="http_port" type="port"><default>8080</default></parameter>
                <parameter name="workers" type="int" min="1" max="64"><default>4</default></parameter>
                <parameter name="debug" type="bool"><default>false</default></parameter>
                <parameter name="motto" type="string"/>
                <parameter name="mode" type="enum"><default>small</default><choice>small</choice><choice>large</choice></parameter>
                <parameter name="db_password" type="password" required="true"/>
              </parameters>
              <config><template path="/etc/motd" source="motd.liquid"/></config>
              <health timeout="60"><console pattern="^ready"/></health>
            </image>
            """, token);
        return folder;
    }

    [Fact]
    public async Task Export_then_import_gives_an_equivalent_descriptor()
    {
        // Given
        var token = TestContext.Current.CancellationToken;
        var source = ApplianceLocator.Load(await ApplianceAsync(), ValidationPurpose.Use).Require();
        var ova = Path.Combine(work, "web.ova");

        // When
        var exported = await service.ExportOvaAsync(Path.Combine(work, "app"), ova, null, token);
        var imported = await service.ImportAsync(ova, Path.Combine(work, "imported"), null, force: false, null, token);

        // Then the OVA is laid out as DSP0243 and VirtualBox want it
        exported.Entries[0].ShouldBe("web.ovf");
        exported.Entries[1].ShouldBe("web.mf");
        using (var tar = new TarReader(File.OpenRead(ova)))
            tar.GetNextEntry()!.Name.ShouldBe("web.ovf");
        imported.Manifest.ShouldBe("SHA256");
        var result = imported.Appliance.Descriptor;
        result.DisplayName.ShouldBe(source.DisplayName);
        result.Label.ShouldBe(source.Label);
        result.Description.ShouldBe(source.Description);
        result.Devices.ShouldBe(source.Devices);
        result.Boots[0].Os.Cmdline.ShouldBe("console=ttyS0");
        result.Boots[0].Drives.Select(d => (d.DiskId, d.Target)).ShouldBe(source.Boots[0].Drives.Select(d => (d.DiskId, d.Target)));
        result.Disks.Select(d => (d.Id, d.Role)).ShouldBe(source.Disks.Select(d => (d.Id, d.Role)));
        result.Disks.Single(d => d.Id == "scratch").SizeMiB.ShouldBe(16);
        static object Shape(SiteParameter p) => (p.Name, p.Type, p.Default, p.Required, p.Minimum, p.Maximum, string.Join(",", p.Choices), p.Label, p.Description);
        result.Parameters.Select(Shape).ShouldBe(source.Parameters.Select(Shape));
        result.Templates.Single().GuestPath.ShouldBe("/etc/motd");
        result.Health!.ConsolePattern.ShouldBe("^ready");
        ApplianceLocator.Load(imported.Appliance.Directory, ValidationPurpose.Use).IsValid.ShouldBeTrue();
    }

    [Fact]
    public async Task Without_our_section_the_OVF_sections_alone_give_the_hardware_disks_and_typed_parameters()
    {
        // Given an OVA another tool would see: our section removed from the descriptor, the manifest dropped
        var token = TestContext.Current.CancellationToken;
        await ApplianceAsync();
        var ova = Path.Combine(work, "web.ova");
        await service.ExportOvaAsync(Path.Combine(work, "app"), ova, null, token);
        var unpacked = Path.Combine(work, "unpacked");
        Directory.CreateDirectory(unpacked);
        await TarFile.ExtractToDirectoryAsync(ova, unpacked, false, token);
        var ovf = Path.Combine(unpacked, "web.ovf");
        var text = await File.ReadAllTextAsync(ovf, token);
        var start = text.IndexOf("<va:ApplianceSection", StringComparison.Ordinal);
        var end = text.IndexOf("</va:ApplianceSection>", StringComparison.Ordinal) + "</va:ApplianceSection>".Length;
        await File.WriteAllTextAsync(ovf, text[..start] + text[end..], token);
        File.Delete(Path.Combine(unpacked, "web.mf"));

        // When
        var imported = await service.ImportAsync(ovf, Path.Combine(work, "plain"), null, force: false, null, token);

        // Then
        var result = imported.Appliance.Descriptor;
        imported.Manifest.ShouldBeNull();
        imported.Appliance.NotCarried.ShouldContain(n => n.Contains("no manifest", StringComparison.Ordinal));
        result.Name.ShouldBe("web");
        result.Version.ShouldBe("2.1");
        result.Devices.Vcpus.ShouldBe(2);
        result.Devices.MemoryKiB.ShouldBe(512 * 1024);
        result.Devices.Interfaces.ShouldBe(2);
        result.Disks.Select(d => d.Role).ShouldBe([DiskRole.System, DiskRole.User, DiskRole.User]);
        result.Boots[0].Drives.Select(d => d.Target).ShouldBe(["sda", "sdb", "sdc"]);
        result.Parameters.Select(p => (p.Name, p.Type, p.Default)).ShouldBe([
            ("greeting", ParameterType.String, "hi"), ("admin_email", ParameterType.Email, null), ("http_port", ParameterType.Port, "8080"),
            ("workers", ParameterType.Int, "4"), ("debug", ParameterType.Bool, "false"), ("motto", ParameterType.String, null), ("mode", ParameterType.Enum, "small"),
            ("db_password", ParameterType.Password, null)]);
        result.Parameters.Where(p => p.Required).Select(p => p.Name).ShouldBe(["admin_email", "db_password"]);
        result.Parameters.Single(p => p.Name == "workers").Maximum.ShouldBe(64);
        result.Parameters.Single(p => p.Name == "mode").Choices.ShouldBe(["small", "large"]);
    }

    [Fact]
    public async Task A_disk_changed_after_export_is_an_integrity_failure_and_nothing_is_written()
    {
        // Given
        var token = TestContext.Current.CancellationToken;
        await ApplianceAsync();
        var ova = Path.Combine(work, "web.ova");
        await service.ExportOvaAsync(Path.Combine(work, "app"), ova, null, token);
        var unpacked = Path.Combine(work, "unpacked");
        Directory.CreateDirectory(unpacked);
        await TarFile.ExtractToDirectoryAsync(ova, unpacked, false, token);
        await using (var disk = File.OpenWrite(Path.Combine(unpacked, "system.vmdk")))
        {
            disk.Seek(-600, SeekOrigin.End);
            disk.WriteByte(0x5a);
        }

        // When
        var error = await Should.ThrowAsync<IntegrityException>(() => service.ImportAsync(Path.Combine(unpacked, "web.ovf"), Path.Combine(work, "bad"), null, false, null, token));

        // Then
        error.Message.ShouldContain("system.vmdk does not match its SHA256 digest");
        Directory.Exists(Path.Combine(work, "bad")).ShouldBeFalse();
    }
}
