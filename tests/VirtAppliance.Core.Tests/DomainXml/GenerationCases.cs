using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.DomainXml;
using VirtAppliance.Core.Tests.Capabilities;
using Xunit;

namespace VirtAppliance.Core.Tests.DomainXml;

/// <summary>Every reference descriptor on every reference or real host it fits, with fixed instance options.</summary>
internal static class GenerationCases
{
    public static readonly InstanceOptions Instance = new()
    {
        Name = "TestGuest",
        Uuid = Guid.Parse("12345678-1234-1234-1234-123456789012"),
        ConsoleLog = "/var/log/virt-appliance/TestGuest/console.log",
        PackageDigest = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    };

    public static IEnumerable<(string Descriptor, string Host)> Fitting() =>
        from descriptor in TestDescriptors.ReferenceFiles()
        from host in CapabilitiesTestData.HostFiles
        where Check(descriptor, host).Fits
        select (descriptor, host);

    public static TheoryData<string, string> FittingData()
    {
        var data = new TheoryData<string, string>();
        foreach (var (descriptor, host) in Fitting())
        {
            data.Add(descriptor, host);
        }

        return data;
    }

    public static HostCheckReport Check(string descriptor, string host, HostMatchOptions? options = null) =>
        HostMatcher.Check(TestDescriptors.Reference(descriptor), CapabilitiesTestData.Host(host), CapabilitiesTestData.DomainsFor(host), options);

    public static string Generate(string descriptor, string host, HostMatchOptions? options = null) =>
        DomainXmlWriter.Write(DomainXmlGenerator.Generate(TestDescriptors.Reference(descriptor), Check(descriptor, host, options).RequireFit(), Instance));

    public static string GoldenName(string descriptor, string host) =>
        $"{Path.GetFileNameWithoutExtension(descriptor)}-on-{Path.GetFileNameWithoutExtension(host)}-out.xml";
}
