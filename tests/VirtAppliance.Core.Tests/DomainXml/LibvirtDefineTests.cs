using System.Xml.Linq;
using Shouldly;
using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.DomainXml;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Internal;
using VirtAppliance.Core.Tests.Capabilities;
using Xunit;

namespace VirtAppliance.Core.Tests.DomainXml;

/// <summary>
/// The generated XML against the real libvirtd (qemu:///system, started by scripts/prereqs.sh):
/// capabilities read live, the domain defined, read back and undefined. The domain type is forced
/// to qemu because KVM is listed but unusable on these machines.
/// </summary>
public class LibvirtDefineTests
{
    private const string Uri = "qemu:///system";
    private static readonly HostMatchOptions Qemu = new() { VirtType = VirtType.Qemu };

    private static async Task<string> VirshAsync(params string[] arguments)
    {
        var result = await ExternalTool.RunUncheckedAsync("virsh", ["-c", Uri, .. arguments], cancellationToken: TestContext.Current.CancellationToken);
        if (result.ExitCode != 0)
        {
            Assert.Fail($"virsh {string.Join(' ', arguments)} failed (exit {result.ExitCode}): {result.All}\n"
                + $"Is libvirtd running and reachable at {Uri}? Start it with scripts/prereqs.sh.");
        }

        return result.Stdout;
    }

    // Read once: capabilities are the slowest call (QEMU probing when the cache is cold).
    private static readonly Lazy<Task<(HostCapabilities Host, IReadOnlyList<DomainCapabilities> Domains)>> Live = new(async () =>
        (CapabilitiesParser.ParseHost(await VirshAsync("capabilities")),
        [CapabilitiesParser.ParseDomain(await VirshAsync("domcapabilities", "--virttype", "qemu", "--arch", "x86_64"))]));

    /// <summary>Defines the domain, hands libvirt's own XML of it to <paramref name="check"/>, undefines it.</summary>
    private static async Task DefineAsync(ApplianceDescriptor descriptor, Func<XElement, Task>? check = null)
    {
        var (host, domains) = await Live.Value;
        var name = $"virt-appliance-test-{Guid.NewGuid():N}"[..32];
        var choice = HostMatcher.Check(descriptor, host, domains, Qemu).RequireFit();
        var xml = DomainXmlWriter.Write(DomainXmlGenerator.Generate(descriptor, choice, GenerationCases.Instance with
        {
            Name = name,
            Uuid = Guid.NewGuid(),
            ConsoleLog = $"/var/tmp/{name}/console.log",
        }));
        var file = Path.Combine(Path.GetTempPath(), name + ".xml");
        await File.WriteAllTextAsync(file, xml, TestContext.Current.CancellationToken);
        try
        {
            await VirshAsync("define", file);
            try
            {
                var defined = XElement.Parse(await VirshAsync("dumpxml", "--inactive", name));
                if (check is not null)
                {
                    await check(defined);
                }
            }
            finally
            {
                await VirshAsync("undefine", "--nvram", name);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_direct_kernel_appliance_defines_and_keeps_its_metadata_disks_and_console_log()
    {
        // Given
        var descriptor = TestDescriptors.Parse("""
            <image>
              <name version="1.0" release="1">tiny</name>
              <domain>
                <boot type="hvm">
                  <guest><arch>x86_64</arch><features><acpi/></features></guest>
                  <os><kernel>vmlinuz</kernel><initrd>initrd.img</initrd><cmdline>console=ttyS0</cmdline></os>
                  <drive disk="system" target="vda"/>
                  <drive disk="data" target="vdb"/>
                  <drive disk="tools" target="sda"/>
                </boot>
                <devices><vcpu>1</vcpu><memory unit="MiB">256</memory><interface/><graphics/></devices>
              </domain>
              <storage>
                <disk id="system" file="system.img" format="raw"/>
                <disk id="data" file="data.qcow2" use="user" format="qcow2"/>
                <disk id="tools" file="tools.iso" format="iso"/>
              </storage>
            </image>
            """);

        // When / Then
        await DefineAsync(descriptor, defined =>
        {
            XNamespace va = MetadataNamespace.Instance.Uri;
            var instance = defined.Element("metadata")!.Element(va + "instance")!;
            instance.Element(va + "appliance")!.Value.ShouldBe("tiny");
            instance.Element(va + "version")!.Value.ShouldBe("1.0");
            instance.Element(va + "digest")!.Value.ShouldBe(GenerationCases.Instance.PackageDigest);
            defined.Attribute("type")!.Value.ShouldBe("qemu");
            defined.Element("os")!.Element("kernel")!.Value.ShouldBe("/var/tmp/appliances/tiny/vmlinuz");
            var disks = defined.Element("devices")!.Elements("disk").ToList();
            disks.Select(disk => (string?)disk.Element("driver")!.Attribute("type")).ShouldBe(["raw", "qcow2", "raw"]);
            disks[2].Attribute("device")!.Value.ShouldBe("cdrom");
            defined.Element("devices")!.Element("serial")!.Element("log")!.Attribute("file")!.Value.ShouldEndWith("/console.log");
            defined.Element("devices")!.Element("graphics")!.Attribute("listen")!.Value.ShouldBe("127.0.0.1");

            // libvirt's own XML of the domain reads back with the same metadata and disks
            var read = DomainXmlReader.Read(defined.ToString());
            read.Metadata.ShouldBe(new InstanceMetadata("tiny", "1.0", "1", GenerationCases.Instance.PackageDigest));
            read.Devices.Disks.Select(disk => (disk.Target.Device, disk.Target.Bus, disk.Driver.Format)).ShouldBe([
                ("vda", DiskBus.Virtio, VirtAppliance.Core.Images.DiskFormat.Raw),
                ("vdb", DiskBus.Virtio, VirtAppliance.Core.Images.DiskFormat.Qcow2),
                ("sda", DiskBus.Scsi, VirtAppliance.Core.Images.DiskFormat.Raw),
            ]);
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task A_uefi_appliance_defines_with_firmware_libvirt_picks()
    {
        // Given
        var descriptor = TestDescriptors.Hvm(os: "<firmware>efi</firmware><loader dev='hd'/>");

        // When / Then: libvirt resolves firmware='efi' to an OVMF image at define time
        await DefineAsync(descriptor, defined =>
        {
            defined.Element("os")!.Attribute("firmware")!.Value.ShouldBe("efi");
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task A_reference_descriptor_with_ide_disks_in_three_formats_defines()
    {
        // Given virt-image's image-format.xml: an i686 hvm boot with qcow2, qcow and vmdk disks on IDE
        var descriptor = TestDescriptors.Reference("image-format.xml");

        // When / Then
        await DefineAsync(descriptor, defined =>
        {
            defined.Element("devices")!.Elements("disk").ShouldAllBe(disk => (string?)disk.Element("target")!.Attribute("bus") == "ide");
            return Task.CompletedTask;
        });
    }

    public static TheoryData<string> ReferenceDescriptorsFittingThisHost() =>
        new(GenerationCases.Fitting().Where(pair => pair.Host == CapabilitiesTestData.Debian12).Select(pair => pair.Descriptor));

    [Theory]
    [MemberData(nameof(ReferenceDescriptorsFittingThisHost))]
    public async Task Every_reference_descriptor_that_fits_this_host_defines(string file)
    {
        await DefineAsync(TestDescriptors.Reference(file));
    }
}
