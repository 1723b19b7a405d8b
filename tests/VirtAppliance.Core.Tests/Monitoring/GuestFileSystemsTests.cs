using Shouldly;
using VirtAppliance.Core.Monitoring;
using Xunit;

namespace VirtAppliance.Core.Tests.Monitoring;

/// <summary>guest-get-fsinfo (as qemu-guest-agent 7.2 answers) mapped to the domain's disks.</summary>
public class GuestFileSystemsTests
{
    private const string LiveXml = """
        <domain type='qemu'><name>web</name><devices>
          <disk type='file' device='disk'><source file='/s/system.qcow2'/><target dev='vda' bus='virtio'/>
            <address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/></disk>
          <disk type='file' device='disk'><source file='/s/data.img'/><target dev='vdb' bus='virtio'/>
            <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/></disk>
        </devices></domain>
        """;

    // Bind mounts repeat a file system; the guest calls the data disk vdc (a different order than the host's targets).
    private const string Answer = """
        {"return":[
          {"name":"vda","mountpoint":"/","type":"ext4","used-bytes":400000000,"total-bytes":700000000,
           "disk":[{"serial":"","bus-type":"virtio","bus":0,"unit":0,"target":0,"dev":"/dev/vda","pci-controller":{"bus":0,"slot":4,"domain":0,"function":0}}]},
          {"name":"vdc","mountpoint":"/data","type":"ext4","used-bytes":50000000,"total-bytes":60000000,
           "disk":[{"bus-type":"virtio","bus":0,"unit":0,"target":0,"dev":"/dev/vdc","pci-controller":{"bus":0,"slot":5,"domain":0,"function":0}}]},
          {"name":"vdc","mountpoint":"/srv/data","type":"ext4","used-bytes":50000000,"total-bytes":60000000,
           "disk":[{"bus-type":"virtio","bus":0,"unit":0,"target":0,"dev":"/dev/vdc","pci-controller":{"bus":0,"slot":5,"domain":0,"function":0}}]},
          {"name":"tmpfs","mountpoint":"/run","type":"tmpfs","used-bytes":1,"total-bytes":2,"disk":[]}
        ]}
        """;

    [Fact]
    public void File_systems_map_to_disks_by_pci_address_even_when_the_guest_names_them_otherwise()
    {
        var map = GuestFileSystems.Map(Answer, LiveXml, ["vda", "vdb"]);

        map.Keys.Order(StringComparer.Ordinal).ShouldBe(["vda", "vdb"]);
        map["vdb"].ShouldHaveSingleItem().Mountpoint.ShouldBe("/data");
        map["vdb"][0].UsedPercent.ShouldBe(100.0 * 50 / 60, 0.001);
        map["vda"].ShouldHaveSingleItem().Mountpoint.ShouldBe("/");
    }

    [Fact]
    public void Without_a_pci_address_the_guest_device_name_decides()
    {
        var answer = """{"return":[{"name":"vdb1","mountpoint":"/data","type":"xfs","used-bytes":1,"total-bytes":4,"disk":[{"dev":"/dev/vdb1","bus-type":"virtio"}]}]}""";

        var map = GuestFileSystems.Map(answer, "<domain><devices/></domain>", ["vda", "vdb"]);

        map["vdb"].ShouldHaveSingleItem().UsedPercent.ShouldBe(25);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"error":{"class":"GenericError"}}""")]
    public void An_answer_that_is_not_the_agents_schema_is_invalid_data(string answer) =>
        Should.Throw<InvalidDataException>(() => GuestFileSystems.Map(answer, LiveXml, ["vda"]));
}
