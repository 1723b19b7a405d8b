using Shouldly;
using Xunit;
using static VirtAppliance.Core.Tests.Capabilities.CapabilitiesTestData;

namespace VirtAppliance.Core.Tests.DomainXml;

public class ReferenceGenerationTests
{
    [Fact]
    public void Reference_descriptors_fit_the_hosts_virt_image_would_have_run_them_on()
    {
        // Given / When
        var fitting = GenerationCases.Fitting().ToList();

        // Then: xen-only descriptors fit only xen hosts; hvm ones fit every host with i686 or x86_64 hvm guests
        fitting.Where(pair => pair.Descriptor == "image-kernel.xml").Select(pair => pair.Host).ShouldBe([Xen, Rhel54Xen]);
        fitting.Where(pair => pair.Descriptor == "image-bad-arch.xml").Select(pair => pair.Host).ShouldBe([Xen, Rhel54Xen]);
        fitting.Where(pair => pair.Descriptor == "image.xml").Select(pair => pair.Host).ShouldBe([Kvm, Xen, Rhel54Xen, Debian12]);
        fitting.Where(pair => pair.Descriptor == "image-format.xml").Select(pair => pair.Host).ShouldBe([Kvm, Xen, Rhel54Xen, Debian12]);
        fitting.Count.ShouldBeGreaterThan(40);
    }

    [Theory]
    [MemberData(nameof(GenerationCases.FittingData), MemberType = typeof(GenerationCases))]
    public void Generated_domain_xml_matches_its_golden_file(string descriptor, string host)
    {
        // Given / When
        var xml = GenerationCases.Generate(descriptor, host);

        // Then
        GoldenFile.ShouldMatch(xml, GenerationCases.GoldenName(descriptor, host));
    }

    [Theory]
    [MemberData(nameof(GenerationCases.FittingData), MemberType = typeof(GenerationCases))]
    public async Task Generated_domain_xml_is_valid_for_libvirts_own_schema(string descriptor, string host)
    {
        // Given
        var xml = GenerationCases.Generate(descriptor, host);

        // When
        var result = await LibvirtSchema.ValidateDomainAsync(xml);

        // Then
        result.ExitCode.ShouldBe(0, $"virt-xml-validate rejects the domain XML of {descriptor} on {host}:\n{result.All}\n{xml}");
    }

    [Fact]
    public void Generating_twice_gives_the_same_bytes()
    {
        GenerationCases.Generate("image.xml", Debian12).ShouldBe(GenerationCases.Generate("image.xml", Debian12));
    }
}
