using Shouldly;
using VirtAppliance.Core.DomainXml;
using Xunit;

namespace VirtAppliance.Core.Tests.DomainXml;

public class InstanceMetadataTests
{
    [Fact]
    public void Metadata_written_into_a_domain_reads_back()
    {
        // Given
        var xml = GenerationCases.Generate("image-format.xml", Capabilities.CapabilitiesTestData.Debian12);

        // When
        var metadata = InstanceMetadata.Parse(xml);

        // Then
        metadata.ShouldBe(new InstanceMetadata("demo", null, null, GenerationCases.Instance.PackageDigest));
    }

    [Fact]
    public void Metadata_as_libvirt_returns_it_alone_reads_back()
    {
        // Given what virDomainGetMetadata returns for our namespace (libvirt's own formatting)
        const string xml = """
            <va:instance xmlns:va="https://virt-appliance.org/xmlns/instance/1">
              <va:appliance>tiny</va:appliance>
              <va:version>1.0</va:version>
              <va:release>2</va:release>
            </va:instance>
            """;

        // When / Then
        InstanceMetadata.Parse(xml).ShouldBe(new InstanceMetadata("tiny", "1.0", "2", null));
    }

    [Fact]
    public void A_domain_not_deployed_by_us_has_no_metadata()
    {
        InstanceMetadata.Parse("<domain type='qemu'><name>other</name><metadata><x:y xmlns:x='urn:other'/></metadata></domain>").ShouldBeNull();
    }

    [Theory]
    [InlineData("<domain><metadata><va:instance xmlns:va='https://virt-appliance.org/xmlns/instance/1'/></metadata></domain>", "names no appliance")]
    [InlineData("<domain>", "not well-formed")]
    public void Broken_metadata_is_invalid_data(string xml, string problem)
    {
        Should.Throw<InvalidDataException>(() => InstanceMetadata.Parse(xml)).Message.ShouldContain(problem);
    }
}
