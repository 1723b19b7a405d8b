using System.Runtime.CompilerServices;
using System.Text;
using Shouldly;
using VirtAppliance.Core.Descriptors;
using Xunit;

namespace VirtAppliance.Core.Tests.Descriptors;

public class RoundTripTests
{
    /// <summary>Set to 1 to rewrite the golden files on purpose (then review the diff).</summary>
    private const string RegenerateVariable = "VIRT_APPLIANCE_REGENERATE_GOLDEN";

    [Theory]
    [MemberData(nameof(ReferenceDescriptorTests.AllReferenceFiles), MemberType = typeof(ReferenceDescriptorTests))]
    public void Writing_a_reference_descriptor_gives_its_golden_output(string file)
    {
        // Given a real descriptor
        var descriptor = DescriptorReader.ReadFile(Path.Combine(TestData.VirtImage, file)).Descriptor!;

        // When it is written
        var written = DescriptorWriter.WriteString(descriptor);

        // Then it is exactly the reviewed golden file
        var golden = GoldenPath(Path.GetFileNameWithoutExtension(file) + "-out.xml");
        if (Environment.GetEnvironmentVariable(RegenerateVariable) == "1")
            File.WriteAllText(golden, written);
        File.Exists(golden).ShouldBeTrue($"golden file {golden} is missing; run the tests once with {RegenerateVariable}=1 and review it");
        written.ShouldBe(File.ReadAllText(golden));
    }

    [Theory]
    [MemberData(nameof(ReferenceDescriptorTests.AllReferenceFiles), MemberType = typeof(ReferenceDescriptorTests))]
    public void Read_write_read_is_stable(string file)
    {
        var first = DescriptorReader.ReadFile(Path.Combine(TestData.VirtImage, file)).Descriptor!;
        var written = DescriptorWriter.WriteString(first);

        var second = Read(written);
        var rewritten = DescriptorWriter.WriteString(second);

        rewritten.ShouldBe(written);
        second.Boots.Count.ShouldBe(first.Boots.Count);
        second.Disks.Select(disk => (disk.Id, disk.File, disk.Role, disk.Format, disk.SizeMiB))
            .ShouldBe(first.Disks.Select(disk => (disk.Id, disk.File, disk.Role, disk.Format, disk.SizeMiB)));
        second.Boots.SelectMany(boot => boot.Drives).Select(drive => drive.Target)
            .ShouldBe(first.Boots.SelectMany(boot => boot.Drives).Select(drive => drive.Target));
        second.Devices.ShouldBe(first.Devices);
    }

    [Fact]
    public void Elements_in_another_namespace_survive_a_round_trip()
    {
        // Given a descriptor carrying a vendor's own elements
        var descriptor = Read("""
            <image xmlns:acme="https://acme.example/appliance">
              <name version="2.1">acme-fw</name>
              <domain>
                <boot type="hvm">
                  <guest><arch>x86_64</arch></guest>
                  <os><firmware>efi</firmware><loader dev="hd"/></os>
                  <drive disk="root" target="vda"/>
                  <acme:tuning level="3"/>
                </boot>
                <devices><vcpu>2</vcpu><memory unit="MiB">512</memory><interface/><interface/></devices>
              </domain>
              <storage>
                <disk id="root" file="root.qcow2" use="system" format="qcow2"><acme:origin>build-42</acme:origin></disk>
                <disk id="data" use="data" size="1024"/>
              </storage>
              <acme:support contact="ops@acme.example"><acme:tier>gold</acme:tier></acme:support>
            </image>
            """);

        // When written and read again
        var again = Read(DescriptorWriter.WriteString(descriptor));

        // Then the vendor's elements are all still there, with their content
        again.Extensions.Single().ToString().ShouldContain("ops@acme.example");
        again.Extensions.Single().ToString().ShouldContain("gold");
        again.Boots.Single().Extensions.Single().Attribute("level")!.Value.ShouldBe("3");
        again.Disks[0].Extensions.Single().Value.ShouldBe("build-42");
        again.Disks[1].Role.ShouldBe(DiskRole.User);
        again.Boots.Single().Os.Firmware.ShouldBe(Firmware.Efi);
        again.Devices.Interfaces.ShouldBe(2);
        again.Devices.MemoryKiB.ShouldBe(512 * 1024);
    }

    private static ApplianceDescriptor Read(string xml)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(xml));
        var result = DescriptorReader.Read(stream, "roundtrip.xml", null);
        result.HasErrors.ShouldBeFalse(string.Join("\n", result.Problems));
        return result.Descriptor!;
    }

    private static string GoldenPath(string name, [CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "TestData", "golden", name);
}
