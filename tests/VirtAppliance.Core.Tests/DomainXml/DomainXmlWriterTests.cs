using System.Xml.Linq;
using Shouldly;
using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.DomainXml;
using VirtAppliance.Core.Images;
using Xunit;

namespace VirtAppliance.Core.Tests.DomainXml;

public class DomainXmlWriterTests
{
    private static DomainDefinition Minimal(params DomainDisk[] disks) => new(
        VirtType.Qemu,
        "writer-test",
        Guid.Parse("00000000-0000-4000-8000-000000000001"),
        null,
        131072,
        1,
        null,
        new DomainOs(new DomainOsType(GuestOsType.Hvm, "x86_64", "pc"), null, null, [BootDevice.HardDisk], null, null, null),
        null,
        null,
        LifecycleAction.Destroy,
        LifecycleAction.Restart,
        LifecycleAction.Destroy,
        new DomainDevices("/usr/bin/qemu-system-x86_64", disks, [], [], [], [], []));

    private static DomainDisk DiskOn(DiskSource source, string target = "vda") =>
        new(DiskDevice.Disk, new DiskDriver(DiskDriverName.Qemu, DiskFormat.Raw), source, new DiskTarget(target, DiskBus.Virtio), false);

    [Fact]
    public void The_disk_type_follows_from_the_source_case()
    {
        // Given
        var domain = Minimal(
            DiskOn(new FileDiskSource("/var/tmp/a.img"), "vda"),
            DiskOn(new BlockDiskSource("/dev/vg0/data"), "vdb"),
            DiskOn(new NetworkDiskSource("nbd", "export", "storage.example", 10809), "vdc"));

        // When
        var disks = XElement.Parse(DomainXmlWriter.Write(domain)).Element("devices")!.Elements("disk").ToList();

        // Then
        disks.Select(disk => disk.Attribute("type")!.Value).ShouldBe(["file", "block", "network"]);
        disks[0].Element("source")!.ToString().ShouldBe("""<source file="/var/tmp/a.img" />""");
        disks[1].Element("source")!.ToString().ShouldBe("""<source dev="/dev/vg0/data" />""");
        disks[2].Element("source")!.ToString().ShouldBe("""
            <source protocol="nbd" name="export">
              <host name="storage.example" port="10809" />
            </source>
            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Every_disk_source_case_is_valid_for_libvirts_schema()
    {
        // Given
        var domain = Minimal(
            DiskOn(new FileDiskSource("/var/tmp/a.img"), "vda"),
            DiskOn(new BlockDiskSource("/dev/vg0/data"), "vdb"),
            DiskOn(new NetworkDiskSource("nbd", "export", "storage.example", null), "vdc"));

        // When
        var result = await LibvirtSchema.ValidateDomainAsync(DomainXmlWriter.Write(domain));

        // Then
        result.ExitCode.ShouldBe(0, result.All);
    }

    [Fact]
    public async Task A_console_into_a_plain_file_is_valid_for_libvirts_schema()
    {
        // Given
        var file = new FileCharDeviceSource("/var/log/vm/console.log");
        var domain = Minimal() with
        {
            Devices = Minimal().Devices with { Serials = [new DomainSerial(file, 0)], Consoles = [new DomainConsole(file, ConsoleTarget.Serial, 0)] },
        };

        // When
        var xml = DomainXmlWriter.Write(domain);
        var result = await LibvirtSchema.ValidateDomainAsync(xml);

        // Then
        result.ExitCode.ShouldBe(0, result.All);
        XElement.Parse(xml).Element("devices")!.Element("serial")!.ToString().ShouldBe("""
            <serial type="file">
              <source path="/var/log/vm/console.log" />
              <target port="0" />
            </serial>
            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task The_schema_check_rejects_what_libvirt_rejects()
    {
        // Given graphics type none, which libvirt does not accept (ENVIRONMENT.md)
        var xml = DomainXmlWriter.Write(Minimal()).Replace("</devices>", "<graphics type=\"none\"/></devices>", StringComparison.Ordinal);

        // When
        var result = await LibvirtSchema.ValidateDomainAsync(xml);

        // Then
        result.ExitCode.ShouldNotBe(0);
    }

    [Fact]
    public void Output_is_indented_without_declaration_and_ends_with_a_newline()
    {
        // Given / When
        var xml = DomainXmlWriter.Write(Minimal());

        // Then
        xml.ShouldStartWith("<domain type=\"qemu\">\n  <name>writer-test</name>\n");
        xml.ShouldEndWith("</domain>\n");
        xml.ShouldNotContain("\r");
    }

    [Fact]
    public void Elements_come_in_a_fixed_order()
    {
        // Given / When
        var domain = XElement.Parse(DomainXmlWriter.Write(Minimal() with
        {
            Metadata = new InstanceMetadata("tiny", null, null, null),
            Features = new DomainFeatures(false, true, true),
            Clock = new DomainClock(ClockOffset.Utc),
        }));

        // Then
        domain.Elements().Select(element => element.Name.LocalName).ShouldBe([
            "name", "uuid", "metadata", "memory", "vcpu", "os", "features", "clock", "on_poweroff", "on_reboot", "on_crash", "devices",
        ]);
    }

    [Fact]
    public void Features_that_are_all_off_are_left_out()
    {
        XElement.Parse(DomainXmlWriter.Write(Minimal() with { Features = new DomainFeatures(false, false, false) }))
            .Element("features").ShouldBeNull();
    }

    [Fact]
    public void Every_enum_value_has_a_distinct_spelling()
    {
        // Given / When
        IReadOnlyList<string>[] spellings =
        [
            DomainXmlSpelling.All<OsFirmware>(DomainXmlSpelling.ToXml).Select(pair => pair.Xml).ToList(),
            DomainXmlSpelling.All<LoaderType>(DomainXmlSpelling.ToXml).Select(pair => pair.Xml).ToList(),
            DomainXmlSpelling.All<BootDevice>(DomainXmlSpelling.ToXml).Select(pair => pair.Xml).ToList(),
            DomainXmlSpelling.All<ClockOffset>(DomainXmlSpelling.ToXml).Select(pair => pair.Xml).ToList(),
            DomainXmlSpelling.All<LifecycleAction>(DomainXmlSpelling.ToXml).Select(pair => pair.Xml).ToList(),
            DomainXmlSpelling.All<DiskDevice>(DomainXmlSpelling.ToXml).Select(pair => pair.Xml).ToList(),
            DomainXmlSpelling.All<DiskDriverName>(DomainXmlSpelling.ToXml).Select(pair => pair.Xml).ToList(),
            DomainXmlSpelling.All<DiskBus>(DomainXmlSpelling.ToXml).Select(pair => pair.Xml).ToList(),
            DomainXmlSpelling.All<ControllerType>(DomainXmlSpelling.ToXml).Select(pair => pair.Xml).ToList(),
            DomainXmlSpelling.All<ConsoleTarget>(DomainXmlSpelling.ToXml).Select(pair => pair.Xml).ToList(),
            DomainXmlSpelling.All<GraphicsType>(DomainXmlSpelling.ToXml).Select(pair => pair.Xml).ToList(),
        ];

        // Then
        spellings.ShouldAllBe(values => values.Distinct().Count() == values.Count);
        DomainXmlSpelling.All<LifecycleAction>(DomainXmlSpelling.ToXml).ShouldContain((LifecycleAction.RenameRestart, "rename-restart"));
        DomainXmlSpelling.All<BootDevice>(DomainXmlSpelling.ToXml).ShouldContain((BootDevice.HardDisk, "hd"));
    }
}
