using System.Xml.Linq;
using Shouldly;
using VirtAppliance.Core.Hypervisor;
using Xunit;

namespace VirtAppliance.Libvirt.Tests;

/// <summary>Connection-level calls against libvirt's in-process test driver.</summary>
public sealed class TestDriverConnectionTests : IDisposable
{
    private const string TestUri = "test:///default";
    private readonly IHypervisor hypervisor = new LibvirtConnector().Open(TestUri);

    public void Dispose() => hypervisor.Dispose();

    [Fact]
    public void A_read_write_connection_remembers_its_uri()
    {
        // Given the connection opened for this test

        // Then
        hypervisor.Uri.ShouldBe(TestUri);
    }

    [Fact]
    public void A_read_only_connection_can_list_domains()
    {
        // Given
        using var readOnly = new LibvirtConnector().Open(TestUri, readOnly: true);

        // When
        var domains = readOnly.ListDomains();

        // Then
        domains.ShouldContain(d => d.Name == "test");
    }

    [Fact]
    public void Capabilities_xml_describes_the_host()
    {
        // When
        var capabilities = XDocument.Parse(hypervisor.GetCapabilitiesXml());

        // Then
        capabilities.Root!.Name.LocalName.ShouldBe("capabilities");
        capabilities.Root.Element("host")!.Element("cpu")!.Element("arch")!.Value.ShouldNotBeNullOrWhiteSpace();
        capabilities.Root.Elements("guest").ShouldNotBeEmpty();
    }

    [Fact]
    public void Listing_includes_the_predefined_running_test_domain()
    {
        // When
        var domains = hypervisor.ListDomains();

        // Then
        var test = domains.Where(d => d.Name == "test").ShouldHaveSingleItem();
        test.Status.State.ShouldBe(DomainState.Running);
        test.Uuid.ShouldNotBe(Guid.Empty);
    }

    [Fact]
    public void A_domain_is_found_by_name_and_by_uuid()
    {
        // Given
        var byName = hypervisor.FindDomain("test").ShouldNotBeNull();

        // When
        var byUuid = hypervisor.FindDomain(byName.Uuid).ShouldNotBeNull();

        // Then
        byUuid.Name.ShouldBe("test");
        byUuid.Uuid.ShouldBe(byName.Uuid);
    }

    [Fact]
    public void Finding_an_unknown_domain_gives_null()
    {
        // When / Then
        hypervisor.FindDomain("no-such-domain-" + Guid.NewGuid().ToString("N")).ShouldBeNull();
        hypervisor.FindDomain(Guid.NewGuid()).ShouldBeNull();
    }
}
