using System.Xml.Linq;
using Shouldly;
using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.DomainXml;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Images;
using VirtAppliance.Core.Tests.Capabilities;
using Xunit;
using static VirtAppliance.Core.Tests.Capabilities.CapabilitiesTestData;

namespace VirtAppliance.Core.Tests.DomainXml;

public class DomainXmlGeneratorTests
{
    private static readonly HostMatchOptions Qemu = new() { VirtType = VirtType.Qemu };

    private const string Tiny = """
        <image>
          <name version="1.0" release="1">tiny</name>
          <domain>
            <boot type="hvm">
              <guest><arch>x86_64</arch><features><acpi/></features></guest>
              <os><kernel>vmlinuz</kernel><initrd>initrd.img</initrd><cmdline>console=ttyS0</cmdline></os>
              <drive disk="system" target="vda"/>
              <drive disk="data" target="vdb"/>
              <drive disk="scratch" target="vdc"/>
              <drive disk="tools" target="vdd"/>
            </boot>
            <devices><vcpu>1</vcpu><memory unit="MiB">256</memory><interface/><interface/></devices>
          </domain>
          <storage>
            <disk id="system" file="system.img" use="system" format="raw"/>
            <disk id="data" file="data.img" use="user" format="qcow2"/>
            <disk id="scratch" use="scratch" size="16"/>
            <disk id="tools" file="tools.iso" format="iso"/>
          </storage>
        </image>
        """;

    private static XElement Generate(ApplianceDescriptor descriptor, InstanceOptions? instance = null, HostMatchOptions? options = null, string host = Debian12)
    {
        var choice = HostMatcher.Check(descriptor, Host(host), DomainsFor(host), options ?? Qemu).RequireFit();
        return XElement.Parse(DomainXmlWriter.Write(DomainXmlGenerator.Generate(descriptor, choice, instance ?? GenerationCases.Instance)));
    }

    private static XElement Tag(XElement domain, string path) =>
        domain.Descendants().Single(element => element.Name.LocalName == path);

    [Fact]
    public void Kernel_and_initrd_are_resolved_against_the_appliance_folder()
    {
        // Given / When
        var os = Generate(TestDescriptors.Parse(Tiny)).Element("os")!;

        // Then
        os.Element("kernel")!.Value.ShouldBe("/var/tmp/appliances/tiny/vmlinuz");
        os.Element("initrd")!.Value.ShouldBe("/var/tmp/appliances/tiny/initrd.img");
        os.Element("cmdline")!.Value.ShouldBe("console=ttyS0");
        os.Element("boot").ShouldBeNull();
        os.Element("type")!.ToString().ShouldBe("""<type arch="x86_64" machine="pc">hvm</type>""");
    }

    [Fact]
    public void Every_disk_names_driver_qemu_and_its_format()
    {
        // Given / When
        var disks = Generate(TestDescriptors.Parse(Tiny)).Element("devices")!.Elements("disk").ToList();

        // Then
        disks.Select(disk => disk.Element("driver")!.ToString()).ShouldBe([
            """<driver name="qemu" type="raw" />""",
            """<driver name="qemu" type="qcow2" />""",
            """<driver name="qemu" type="raw" />""",
            """<driver name="qemu" type="raw" />""",
        ]);
        disks.Select(disk => (string?)disk.Element("source")!.Attribute("file")).ShouldBe([
            "/var/tmp/appliances/tiny/system.img",
            "/var/tmp/appliances/tiny/data.img",
            "/var/tmp/appliances/tiny/scratch.img",
            "/var/tmp/appliances/tiny/tools.iso",
        ]);
    }

    [Fact]
    public void Deploy_paths_and_formats_replace_the_appliance_files()
    {
        // Given the deploy's overlay for the system disk and its own scratch disk
        var instance = GenerationCases.Instance with
        {
            Disks = new Dictionary<string, ResolvedDisk>
            {
                ["system"] = new("/var/lib/appliances/vms/web1/system.qcow2", DiskFormat.Qcow2),
                ["scratch"] = new("/var/lib/appliances/vms/web1/scratch.qcow2", DiskFormat.Qcow2),
            },
        };

        // When
        var disks = Generate(TestDescriptors.Parse(Tiny), instance).Element("devices")!.Elements("disk").ToList();

        // Then
        disks[0].Element("source")!.Attribute("file")!.Value.ShouldBe("/var/lib/appliances/vms/web1/system.qcow2");
        disks[0].Element("driver")!.Attribute("type")!.Value.ShouldBe("qcow2");
        disks[1].Element("source")!.Attribute("file")!.Value.ShouldBe("/var/tmp/appliances/tiny/data.img");
        disks[2].Element("driver")!.Attribute("type")!.Value.ShouldBe("qcow2");
    }

    [Fact]
    public void An_iso_is_a_read_only_cdrom_moved_off_virtio_onto_virtio_scsi()
    {
        // Given / When
        var devices = Generate(TestDescriptors.Parse(Tiny)).Element("devices")!;
        var iso = devices.Elements("disk").Last();

        // Then
        iso.Attribute("device")!.Value.ShouldBe("cdrom");
        iso.Element("readonly").ShouldNotBeNull();
        iso.Element("target")!.ToString().ShouldBe("""<target dev="vdd" bus="scsi" />""");
        devices.Element("controller")!.ToString().ShouldBe("""<controller type="scsi" index="0" model="virtio-scsi" />""");
    }

    [Theory]
    [InlineData("vda", DiskBus.Virtio)]
    [InlineData("sdb", DiskBus.Scsi)]
    [InlineData("hdc", DiskBus.Ide)]
    [InlineData("xvda", DiskBus.Xen)]
    public void The_bus_follows_from_the_target_prefix(string target, DiskBus bus)
    {
        DomainXmlGenerator.BusOf(new DriveMapping("d", target, false, SourceLocation.None)).ShouldBe(bus);
    }

    [Fact]
    public void A_target_without_a_known_prefix_is_invalid_input()
    {
        Should.Throw<InvalidInputException>(() => DomainXmlGenerator.BusOf(new DriveMapping("d", "ubda", false, SourceLocation.None)))
            .Message.ShouldContain("'ubda' does not start with vd, sd, hd or xvd");
    }

    [Theory]
    [InlineData("a-name-of-sixty-one-characters-that-deploy-would-never-accept")]
    [InlineData("web/1")]
    [InlineData("-web")]
    [InlineData("web 1")]
    public void A_name_deploy_would_refuse_is_refused_here_too_with_the_same_hint(string name)
    {
        // Given a name outside the one VM-name rule
        VmName.IsValid(name).ShouldBeFalse();

        // When / Then generation refuses it, saying what a valid name is
        var error = Should.Throw<InvalidInputException>(() => Generate(TestDescriptors.Parse(Tiny), GenerationCases.Instance with { Name = name }));
        error.Message.ShouldBe(VmName.Problem(name));
        error.Hint.ShouldBe(VmName.Hint);
    }

    [Fact]
    public void Each_descriptor_interface_joins_the_instance_network_with_virtio()
    {
        // Given / When
        var interfaces = Generate(TestDescriptors.Parse(Tiny), GenerationCases.Instance with { Network = new NetworkInterfaceSource("appliances") })
            .Element("devices")!.Elements("interface").ToList();

        // Then
        interfaces.Count.ShouldBe(2);
        interfaces.ShouldAllBe(nic => (string?)nic.Attribute("type") == "network"
            && (string?)nic.Element("source")!.Attribute("network") == "appliances"
            && (string?)nic.Element("model")!.Attribute("type") == "virtio");
    }

    [Fact]
    public void User_mode_interfaces_are_QEMU_NICs_with_their_forwards_and_fixed_MACs()
    {
        // Given two interfaces, a forward to each
        var instance = GenerationCases.Instance with
        {
            Network = new UserInterfaceSource([new PortForward("127.0.0.1", 8080, 80), new PortForward("127.0.0.1", 2222, 22, Interface: 1)]),
        };

        // When
        var domain = Generate(TestDescriptors.Parse(Tiny), instance);

        // Then: no libvirt <interface>, QEMU's own NICs instead
        domain.Element("devices")!.Elements("interface").ShouldBeEmpty();
        XNamespace qemu = QemuNetdev.Namespace;
        domain.Element(qemu + "commandline")!.Elements(qemu + "arg").Select(arg => (string?)arg.Attribute("value")).ShouldBe(
        [
            "-netdev", "user,id=vanet0,hostfwd=tcp:127.0.0.1:8080-:80",
            "-device", $"virtio-net-pci,netdev=vanet0,mac={InstanceOptions.MacAddressFor(instance.Uuid, 0)},bus=pci.0,addr=0x1e",
            "-netdev", "user,id=vanet1,hostfwd=tcp:127.0.0.1:2222-:22",
            "-device", $"virtio-net-pci,netdev=vanet1,mac={InstanceOptions.MacAddressFor(instance.Uuid, 1)},bus=pci.0,addr=0x1d",
        ]);
    }

    [Fact]
    public void A_bridge_interface_names_its_bridge()
    {
        var nic = Generate(TestDescriptors.Parse(Tiny), GenerationCases.Instance with { Network = new BridgeInterfaceSource("br0") })
            .Element("devices")!.Elements("interface").First();

        ((string?)nic.Attribute("type")).ShouldBe("bridge");
        ((string?)nic.Element("source")!.Attribute("bridge")).ShouldBe("br0");
    }

    [Fact]
    public void Without_graphics_in_the_descriptor_there_is_no_graphics_element()
    {
        Generate(TestDescriptors.Parse(Tiny)).Element("devices")!.Element("graphics").ShouldBeNull();
    }

    [Fact]
    public void Graphics_are_vnc_on_loopback_only()
    {
        // Given / When
        var graphics = Generate(TestDescriptors.Hvm(devices: "<vcpu>1</vcpu><memory>262144</memory><graphics/>")).Element("devices")!.Element("graphics")!;

        // Then
        graphics.Attribute("type")!.Value.ShouldBe("vnc");
        graphics.Attribute("listen")!.Value.ShouldBe("127.0.0.1");
        graphics.Element("listen")!.Attribute("address")!.Value.ShouldBe("127.0.0.1");
    }

    [Fact]
    public void The_serial_console_is_a_pty_logged_to_the_console_file()
    {
        // Given / When
        var devices = Generate(TestDescriptors.Parse(Tiny)).Element("devices")!;

        // Then: virsh console keeps working, and virtlogd copies every line into the file
        devices.Element("serial")!.ToString().ShouldBe("""
            <serial type="pty">
              <log file="/var/log/virt-appliance/TestGuest/console.log" append="off" />
              <target port="0" />
            </serial>
            """.ReplaceLineEndings("\n"));
        devices.Element("console")!.Element("target")!.ToString().ShouldBe("""<target type="serial" port="0" />""");
        devices.Element("console")!.Element("log")!.Attribute("file")!.Value.ShouldBe("/var/log/virt-appliance/TestGuest/console.log");
    }

    [Fact]
    public void Without_a_console_log_the_console_is_a_plain_pty()
    {
        // Given / When
        var devices = Generate(TestDescriptors.Parse(Tiny), GenerationCases.Instance with { ConsoleLog = null }).Element("devices")!;

        // Then
        devices.Element("serial")!.Element("log").ShouldBeNull();
        devices.Element("serial")!.Attribute("type")!.Value.ShouldBe("pty");
    }

    [Fact]
    public void Without_a_console_log_the_output_stays_indented()
    {
        // Given
        var descriptor = TestDescriptors.Parse(Tiny);
        var choice = HostMatcher.Check(descriptor, Host(Debian12), DomainsFor(Debian12), Qemu).RequireFit();

        // When
        var xml = DomainXmlWriter.Write(DomainXmlGenerator.Generate(descriptor, choice, GenerationCases.Instance with { ConsoleLog = null }));

        // Then
        xml.ShouldContain("""
                <serial type="pty">
                  <target port="0" />
                </serial>
            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Power_off_and_crash_destroy_the_domain_and_reboot_restarts_it()
    {
        // Given / When
        var domain = Generate(TestDescriptors.Parse(Tiny));

        // Then
        (domain.Element("on_poweroff")!.Value, domain.Element("on_reboot")!.Value, domain.Element("on_crash")!.Value)
            .ShouldBe(("destroy", "restart", "destroy"));
    }

    [Fact]
    public void Metadata_records_the_appliance_in_our_namespace()
    {
        // Given / When
        var instance = Generate(TestDescriptors.Parse(Tiny)).Element("metadata")!.Elements().Single();

        // Then
        XNamespace va = "https://virt-appliance.org/xmlns/instance/1";
        instance.Name.ShouldBe(va + "instance");
        instance.GetPrefixOfNamespace(va).ShouldBe("va");
        instance.Element(va + "appliance")!.Value.ShouldBe("tiny");
        instance.Element(va + "version")!.Value.ShouldBe("1.0");
        instance.Element(va + "release")!.Value.ShouldBe("1");
        instance.Element(va + "digest")!.Value.ShouldBe(GenerationCases.Instance.PackageDigest);
    }

    [Fact]
    public void Memory_is_written_in_kib_and_vcpus_as_given()
    {
        // Given / When
        var domain = Generate(TestDescriptors.Parse(Tiny));

        // Then
        domain.Element("memory")!.ToString().ShouldBe("""<memory unit="KiB">262144</memory>""");
        domain.Element("vcpu")!.Value.ShouldBe("1");
        domain.Attribute("type")!.Value.ShouldBe("qemu");
        domain.Element("name")!.Value.ShouldBe("TestGuest");
        domain.Element("uuid")!.Value.ShouldBe("12345678-1234-1234-1234-123456789012");
    }

    [Fact]
    public void Hvm_guests_get_acpi_and_apic_unless_the_boot_turns_them_off()
    {
        // Given / When
        var defaults = Generate(TestDescriptors.Hvm(features: "")).Element("features")!;
        var noAcpi = Generate(TestDescriptors.Hvm(features: "<acpi state='off'/>")).Element("features")!;

        // Then
        defaults.Elements().Select(element => element.Name.LocalName).ShouldBe(["acpi", "apic"]);
        noAcpi.Elements().Select(element => element.Name.LocalName).ShouldBe(["apic"]);
    }

    [Fact]
    public void Uefi_uses_firmware_autoselection_where_libvirt_offers_it()
    {
        // Given / When
        var os = Generate(TestDescriptors.Hvm(os: "<firmware>efi</firmware><loader dev='hd'/>")).Element("os")!;

        // Then
        os.Attribute("firmware")!.Value.ShouldBe("efi");
        os.Element("loader").ShouldBeNull();
        os.Element("boot")!.Attribute("dev")!.Value.ShouldBe("hd");
    }

    [Fact]
    public async Task Uefi_names_the_ovmf_image_where_libvirt_cannot_pick_firmware()
    {
        // Given
        var descriptor = TestDescriptors.Hvm(os: "<firmware>efi</firmware><loader dev='hd'/>");
        var choice = HostMatcher.Check(descriptor, Host(Debian12), [LoaderOnlyX86_64], Qemu).RequireFit();

        // When
        var xml = DomainXmlWriter.Write(DomainXmlGenerator.Generate(descriptor, choice, GenerationCases.Instance));
        var os = XElement.Parse(xml).Element("os")!;

        // Then
        os.Attribute("firmware").ShouldBeNull();
        os.Element("loader")!.ToString().ShouldBe("""<loader readonly="yes" type="pflash">/usr/share/OVMF/OVMF_CODE_4M.fd</loader>""");
        var validation = await LibvirtSchema.ValidateDomainAsync(xml);
        validation.ExitCode.ShouldBe(0, validation.All);
    }

    [Fact]
    public void A_cdrom_boot_device_is_kept()
    {
        Generate(TestDescriptors.Hvm(os: "<loader dev='cdrom'/>")).Element("os")!.Element("boot")!.Attribute("dev")!.Value.ShouldBe("cdrom");
    }

    [Fact]
    public void Xen_paravirt_guests_boot_with_pygrub_and_have_a_xen_console_only()
    {
        // Given / When
        var domain = Generate(TestDescriptors.Reference("image.xml"), options: HostMatchOptions.Default, host: Xen);

        // Then
        domain.Element("bootloader")!.Value.ShouldBe("/usr/bin/pygrub");
        domain.Element("os")!.Element("type")!.ToString().ShouldBe("""<type arch="i686">xen</type>""");
        domain.Element("clock").ShouldBeNull();
        var devices = domain.Element("devices")!;
        devices.Element("emulator").ShouldBeNull();
        devices.Element("serial").ShouldBeNull();
        devices.Element("console")!.Element("target")!.Attribute("type")!.Value.ShouldBe("xen");
        devices.Element("interface")!.Element("model").ShouldBeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("web/1")]
    [InlineData("web\n1")]
    public void Names_libvirt_cannot_take_are_invalid_input(string name)
    {
        // Given
        var descriptor = TestDescriptors.Parse(Tiny);
        var choice = HostMatcher.Check(descriptor, Host(Debian12), DomainsFor(Debian12), Qemu).RequireFit();

        // When / Then
        Should.Throw<InvalidInputException>(() => DomainXmlGenerator.Generate(descriptor, choice, GenerationCases.Instance with { Name = name }));
    }

    [Fact]
    public void A_drive_on_a_disk_made_of_partitions_is_invalid_input()
    {
        // Given the legacy multi-file disk form of virt-image
        var descriptor = TestDescriptors.Parse("""
            <image><name>parts</name>
              <domain>
                <boot type="hvm"><guest><arch>x86_64</arch></guest><os><loader dev="hd"/></os><drive disk="whole" target="hda"/></boot>
                <devices><vcpu>1</vcpu><memory>262144</memory></devices>
              </domain>
              <storage><disk id="whole" size="4096" use="system"><partition file="boot.img"/><partition file="root.img"/></disk></storage>
            </image>
            """);
        var choice = HostMatcher.Check(descriptor, Host(Debian12), DomainsFor(Debian12), Qemu).RequireFit();

        // When / Then
        Should.Throw<InvalidInputException>(() => DomainXmlGenerator.Generate(descriptor, choice, GenerationCases.Instance))
            .Message.ShouldContain("made of partition images");
    }

    public static TheoryData<string, string, string, string> ExtensionCases() => new()
    {
        // name, arch, os, devices
        { "uefi-auto", "x86_64", "<firmware>efi</firmware><loader dev='hd'/>", "<vcpu>2</vcpu><memory unit='MiB'>512</memory><interface/><graphics/>" },
        { "i686-bios", "i686", "<loader dev='hd'/>", "<vcpu>1</vcpu><memory unit='MiB'>256</memory>" },
        { "kernel", "x86_64", "<kernel>vmlinuz</kernel><initrd>initrd.img</initrd><cmdline>console=ttyS0 quiet</cmdline>", "<vcpu>1</vcpu><memory unit='MiB'>256</memory><interface/><interface/>" },
        { "cdrom-boot", "x86_64", "<loader dev='cdrom'/>", "<vcpu>1</vcpu><memory unit='MiB'>256</memory>" },
        { "network-boot", "x86_64", "<loader dev='network'/>", "<vcpu>1</vcpu><memory unit='MiB'>256</memory><interface/>" },
    };

    [Theory]
    [MemberData(nameof(ExtensionCases))]
    public async Task Descriptor_extensions_give_domain_xml_valid_for_libvirts_schema(string name, string arch, string os, string devices)
    {
        // Given
        var descriptor = TestDescriptors.Hvm(arch: arch, os: os, devices: devices);

        // When
        var xml = DomainXmlWriter.Write(DomainXmlGenerator.Generate(
            descriptor,
            HostMatcher.Check(descriptor, Host(Debian12), DomainsFor(Debian12), Qemu).RequireFit(),
            GenerationCases.Instance));
        var result = await LibvirtSchema.ValidateDomainAsync(xml);

        // Then
        result.ExitCode.ShouldBe(0, $"{name}: {result.All}\n{xml}");
    }

    [Fact]
    public async Task Cdrom_and_scsi_disks_give_domain_xml_valid_for_libvirts_schema()
    {
        // Given an ISO on a vd target (moved to SCSI) and a disk on an sd target
        var descriptor = TestDescriptors.Parse(Tiny.Replace("target=\"vdc\"", "target=\"sdc\"", StringComparison.Ordinal));

        // When
        var xml = DomainXmlWriter.Write(DomainXmlGenerator.Generate(
            descriptor,
            HostMatcher.Check(descriptor, Host(Debian12), DomainsFor(Debian12), Qemu).RequireFit(),
            GenerationCases.Instance with { ConsoleLog = null }));
        var result = await LibvirtSchema.ValidateDomainAsync(xml);

        // Then
        xml.ShouldContain("<target dev=\"sdc\" bus=\"scsi\" />");
        result.ExitCode.ShouldBe(0, $"{result.All}\n{xml}");
    }

    [Fact]
    public async Task A_guest_agent_gets_its_virtio_serial_channel_that_libvirt_accepts_and_the_reader_reads_back()
    {
        // Given
        var descriptor = TestDescriptors.Parse(Tiny.Replace("<interface/><interface/></devices>", "<interface/><guest-agent/></devices>", StringComparison.Ordinal));

        // When
        var domain = Generate(descriptor);

        // Then
        var channel = domain.Element("devices")!.Element("channel").ShouldNotBeNull();
        channel.Attribute("type")!.Value.ShouldBe("unix");
        channel.Element("target")!.Attribute("type")!.Value.ShouldBe("virtio");
        channel.Element("target")!.Attribute("name")!.Value.ShouldBe("org.qemu.guest_agent.0");
        var validation = await LibvirtSchema.ValidateDomainAsync(domain.ToString());
        validation.ExitCode.ShouldBe(0, validation.All);
        DomainXmlReader.Read(domain.ToString()).Devices.Channels.ShouldBe([new DomainChannel(DomainChannel.GuestAgentName)]);
        Generate(TestDescriptors.Parse(Tiny)).Element("devices")!.Element("channel").ShouldBeNull();
    }
}
