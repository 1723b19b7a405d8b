using System.Text;
using Shouldly;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Interchange;
using Xunit;

namespace VirtAppliance.Core.Tests.Interchange;

/// <summary>The OVF reader on descriptors written by VMware and VirtualBox (TestData/README.md names their origin).</summary>
public class OvfReaderTests
{
    private static string Data(string name) => Path.Combine(AppContext.BaseDirectory, "Interchange", "TestData", name);

    [Fact]
    public void A_VMware_export_gives_its_hardware_disks_in_drive_order_and_says_what_is_dropped()
    {
        var envelope = OvfReader.ReadFile(Data("libguestfs-vmware-two-disks.ovf"));

        envelope.Version.ShouldBe("1");
        envelope.System.Name.ShouldBe("2K8R2EESP1_2_Medium");
        envelope.System.Vcpus.ShouldBe(1);
        envelope.System.MemoryBytes.ShouldBe(1024L * 1024 * 1024);
        envelope.System.Nics.ShouldBe(1);
        envelope.System.Efi.ShouldBeFalse();
        envelope.System.Drives.Select(d => (d.DiskId, d.Bus)).ShouldBe([("vmdisk1", "sd"), ("vmdisk2", "sd")]);
        envelope.Disks.Select(d => d.CapacityBytes).ShouldBe([50L << 30, 450L << 30]);
        envelope.Files.Select(f => (f.Href, f.Size)).ShouldBe([("disk1.vmdk", (long?)7804077568), ("disk2.vmdk", (long?)178523318784)]);
        var notes = string.Join("\n", envelope.Notes);
        notes.ShouldContain("Video card");
        notes.ShouldContain("CD/DVD drive 1");
        notes.ShouldContain("PG-VLAN60");
    }

    [Fact]
    public void A_vSphere_descriptor_with_byte_units_reads()
    {
        var envelope = OvfReader.ReadFile(Data("juju-vmware-simple.ovf"));

        envelope.System.Vcpus.ShouldBe(2);
        envelope.System.MemoryBytes.ShouldBe(128L * 1024 * 1024);
        envelope.Disks.Single().CapacityBytes.ShouldBe(10L << 30);
        envelope.System.Drives.Single().Bus.ShouldBe("sd");
    }

    [Fact]
    public void A_VirtualBox_OVF_2_template_with_a_placeholder_is_refused_at_the_line_and_column_of_the_disk()
    {
        var error = Should.Throw<DescriptorInvalidException>(() => OvfReader.ReadFile(Data("untangle-virtualbox-ovf2.ovf.tpl")));

        var problem = error.Problems.First(p => p.Severity == Severity.Error);
        problem.Location.Line.ShouldBe(8);
        problem.Location.Column.ShouldBeGreaterThan(0);
        problem.Message.ShouldContain("+SIZE+");
    }

    [Fact]
    public void The_same_VirtualBox_OVF_2_descriptor_filled_in_reads_its_storage_and_ethernet_port_items()
    {
        var text = File.ReadAllText(Data("untangle-virtualbox-ovf2.ovf.tpl")).Replace("+SIZE+", "21474836480", StringComparison.Ordinal);

        var envelope = OvfReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)), "untangle.ovf");

        envelope.Version.ShouldBe("2");
        envelope.System.Vcpus.ShouldBe(2);
        envelope.System.MemoryBytes.ShouldBe(2048L * 1024 * 1024);
        envelope.System.Nics.ShouldBe(2);
        envelope.System.Drives.Single().ShouldBe(new OvfDriveAttachment("vmdisk1", "sd", envelope.System.Drives.Single().Location));
        envelope.System.OperatingSystem.ShouldBe("Debian_64");
    }

    [Theory]
    [InlineData("not xml at all", "not a readable OVF descriptor")]
    [InlineData("<!DOCTYPE Envelope [<!ENTITY x \"y\">]><Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\"/>", "not a readable OVF descriptor")]
    [InlineData("<image><name>x</name></image>", "not an OVF <Envelope>")]
    [InlineData("<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\"><References/></Envelope>", "no <VirtualSystem>")]
    [InlineData("<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\" xmlns:ovf=\"http://schemas.dmtf.org/ovf/envelope/1\"><References><File ovf:id=\"f\" ovf:href=\"../etc/passwd\"/></References><VirtualSystem ovf:id=\"v\"><VirtualHardwareSection/></VirtualSystem></Envelope>", "outside the package")]
    [InlineData("<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\" xmlns:ovf=\"http://schemas.dmtf.org/ovf/envelope/1\"><DiskSection><Disk ovf:diskId=\"d\" ovf:capacity=\"1\" ovf:fileRef=\"nothing\"/></DiskSection><VirtualSystem ovf:id=\"v\"><VirtualHardwareSection/></VirtualSystem></Envelope>", "which References does not list")]
    public void Malformed_descriptors_are_refused_with_where_and_why(string xml, string expected)
    {
        var error = Should.Throw<DescriptorInvalidException>(() => OvfReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(xml)), "bad.ovf"));

        error.Problems.ShouldContain(p => p.Message.Contains(expected, StringComparison.Ordinal) && p.Location.File == "bad.ovf" && p.Location.Line > 0,
            string.Join("\n", error.Problems));
    }
}
