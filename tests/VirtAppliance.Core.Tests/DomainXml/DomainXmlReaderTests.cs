using Shouldly;
using VirtAppliance.Core.DomainXml;
using Xunit;

namespace VirtAppliance.Core.Tests.DomainXml;

public class DomainXmlReaderTests
{
    public static TheoryData<string> GoldenFiles() =>
        new(Directory.GetFiles(Path.Combine(GoldenFile.Folder(), "golden"), "*-out.xml").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(GoldenFiles))]
    public void Every_golden_file_reads_back_and_writes_the_same_bytes(string file)
    {
        // Given
        var xml = File.ReadAllText(Path.Combine(GoldenFile.Folder(), "golden", file));

        // When: XML → object → XML
        var written = DomainXmlWriter.Write(DomainXmlReader.Read(xml));

        // Then
        written.ShouldBe(xml);
    }

    [Fact]
    public void A_generated_definition_reads_back_equal_in_every_part()
    {
        // Given
        var definition = DomainXmlReader.Read(GenerationCases.Generate("image2nics.xml", Capabilities.CapabilitiesTestData.Debian12));

        // When: object → XML → object
        var again = DomainXmlReader.Read(DomainXmlWriter.Write(definition));

        // Then (records of lists compare by reference, so compare the lists one by one)
        again.ShouldBe(definition with { Os = again.Os, Devices = again.Devices });
        again.Os.BootDevices.ShouldBe(definition.Os.BootDevices);
        again.Devices.Disks.ShouldBe(definition.Devices.Disks);
        again.Devices.Interfaces.ShouldBe(definition.Devices.Interfaces);
        again.Devices.Serials.ShouldBe(definition.Devices.Serials);
        again.Devices.Consoles.ShouldBe(definition.Devices.Consoles);
        again.Devices.Graphics.ShouldBe(definition.Devices.Graphics);
        again.Devices.Interfaces.Count.ShouldBe(2);
    }

    [Fact]
    public void Libvirts_own_additions_are_left_out()
    {
        // Given a domain as virsh dumpxml shows it, with addresses, aliases and devices libvirt added
        const string xml = """
            <domain type='qemu'>
              <name>web1</name>
              <uuid>3b39e88f-6231-411d-9d64-9bebc2f5e406</uuid>
              <memory unit='MiB'>256</memory>
              <currentMemory unit='KiB'>262144</currentMemory>
              <vcpu placement='static'>1</vcpu>
              <os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type><boot dev='hd'/></os>
              <devices>
                <emulator>/usr/bin/qemu-system-x86_64</emulator>
                <disk type='file' device='disk'>
                  <driver name='qemu' type='qcow2'/>
                  <source file='/var/lib/appliances/vms/web1/system.qcow2'/>
                  <target dev='vda' bus='virtio'/>
                  <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>
                </disk>
                <controller type='usb' index='0' model='piix3-uhci'/>
                <interface type='network'><mac address='52:54:00:8a:bb:39'/><source network='default'/><model type='virtio'/></interface>
                <serial type='pty'><log file='/var/log/web1.log' append='on'/><target type='isa-serial' port='0'><model name='isa-serial'/></target></serial>
                <input type='mouse' bus='ps2'/>
                <memballoon model='virtio'/>
              </devices>
            </domain>
            """;

        // When
        var domain = DomainXmlReader.Read(xml);

        // Then
        domain.MemoryKiB.ShouldBe(262144);
        domain.Os.Type.Machine.ShouldBe("pc-i440fx-7.2");
        domain.Devices.Disks.Single().Source.ShouldBe(new FileDiskSource("/var/lib/appliances/vms/web1/system.qcow2"));
        domain.Devices.Controllers.ShouldBeEmpty();
        domain.Devices.Interfaces.Single().MacAddress.ShouldBe("52:54:00:8a:bb:39");
        domain.Devices.Serials.Single().Source.ShouldBe(new PtyCharDeviceSource("/var/log/web1.log", true));
        domain.Metadata.ShouldBeNull();
    }

    [Theory]
    [InlineData("<network/>", "expected <domain>")]
    [InlineData("<domain type='lxc'/>", "domain type 'lxc'")]
    [InlineData("<domain type='qemu'><name>a</name><uuid>nope</uuid></domain>", "'nope' is not a UUID")]
    [InlineData("<domain type='qemu'><name>a</name><uuid>3b39e88f-6231-411d-9d64-9bebc2f5e406</uuid><memory unit='parsec'>1</memory></domain>", "unknown memory unit")]
    [InlineData("<domain type='qemu'><name>a</name><uuid>3b39e88f-6231-411d-9d64-9bebc2f5e406</uuid><memory>1</memory><vcpu>99999999999</vcpu></domain>", "too large")]
    [InlineData("<domain type='qemu'><name>a</name><uuid>3b39e88f-6231-411d-9d64-9bebc2f5e406</uuid><memory>1</memory><vcpu>1</vcpu><os><type arch='x86_64'>exe</type></os></domain>", "neither hvm nor xen")]
    [InlineData("<domain type='qemu'><name>a</name><uuid>3b39e88f-6231-411d-9d64-9bebc2f5e406</uuid><memory>1</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><devices><disk type='volume' device='disk'><source pool='p' volume='v'/></disk></devices></domain>", "disk type 'volume'")]
    [InlineData("<domain type='qemu'><name>a</name><uuid>3b39e88f-6231-411d-9d64-9bebc2f5e406</uuid><memory>1</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type><boot dev='usb'/></os><devices/></domain>", "'usb' is not a BootDevice")]
    public void Malformed_domain_xml_is_rejected_with_the_problem(string xml, string problem)
    {
        Should.Throw<InvalidDataException>(() => DomainXmlReader.Read(xml)).Message.ShouldContain(problem);
    }
}
