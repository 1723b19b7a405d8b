using System.Text;
using Shouldly;
using VirtAppliance.Core.Descriptors;
using Xunit;

namespace VirtAppliance.Core.Tests.Monitoring;

/// <summary>&lt;guest-agent/&gt; and &lt;threshold&gt; in the descriptor: read, written back, checked.</summary>
public class DescriptorMonitoringTests
{
    private const string Descriptor = """
        <image>
          <name version="1.0" release="1">watched</name>
          <domain>
            <boot type="hvm"><guest><arch>x86_64</arch></guest><os><loader dev="hd"/></os>
              <drive disk="system" target="vda"/><drive disk="data" target="vdb"/></boot>
            <devices><vcpu>1</vcpu><memory>262144</memory><guest-agent/></devices>
          </domain>
          <storage>
            <disk id="system" file="system.img" use="system"/>
            <disk id="data" use="user" size="64"><threshold warning="70" critical="85"/></disk>
          </storage>
        </image>
        """;

    [Fact]
    public void Guest_agent_and_thresholds_survive_read_write_read()
    {
        var first = Read(Descriptor);
        var written = DescriptorWriter.WriteString(first);
        var second = Read(written);

        first.Devices.GuestAgent.ShouldBeTrue();
        first.FindDisk("data")!.Threshold.ShouldBe(new DiskThreshold(70, 85));
        first.FindDisk("system")!.Threshold.ShouldBeNull();
        written.ShouldContain("<guest-agent />");
        written.ShouldContain("<threshold warning=\"70\" critical=\"85\" />");
        second.Devices.ShouldBe(first.Devices);
        DescriptorWriter.WriteString(second).ShouldBe(written);
    }

    [Theory]
    [InlineData("<threshold warning=\"95\" critical=\"90\"/>", "the warning level (95) is above the critical one (90)")]
    [InlineData("<threshold warning=\"180\"/>", "threshold warning (percent)")]
    [InlineData("<threshold/>", "<threshold> gives no level")]
    [InlineData("<treshold warning=\"80\"/>", "unknown element <treshold> in <disk>")]
    public void A_bad_threshold_is_an_error_at_its_line(string element, string message)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(Descriptor.Replace("<threshold warning=\"70\" critical=\"85\"/>", element, StringComparison.Ordinal)));

        var result = DescriptorReader.Read(stream, "appliance.xml", null);

        result.HasErrors.ShouldBeTrue();
        var problem = result.Problems.First(problem => problem.Severity == Severity.Error);
        problem.Message.ShouldContain(message);
        problem.Location.Line.ShouldBe(10);
    }

    private static ApplianceDescriptor Read(string xml)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(xml));
        var result = DescriptorReader.Read(stream, "appliance.xml", null);
        result.HasErrors.ShouldBeFalse(string.Join("\n", result.Problems));
        return result.Descriptor!;
    }
}
