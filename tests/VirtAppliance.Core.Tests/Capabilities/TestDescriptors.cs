using System.Text;
using Shouldly;
using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Tests.Capabilities;

/// <summary>Descriptors for host checks: virt-image's reference files, or small ones written in a test.</summary>
internal static class TestDescriptors
{
    /// <summary>
    /// A virt-image reference descriptor, as if installed in /var/lib/appliances/NAME (virt-image's
    /// tests used REPLACEME), so that generated paths do not depend on the checkout.
    /// </summary>
    public static ApplianceDescriptor Reference(string file) =>
        Parse(File.ReadAllText(Path.Combine(TestData.VirtImage, file)), "/var/lib/appliances/" + Path.GetFileNameWithoutExtension(file));

    public static IReadOnlyList<string> ReferenceFiles() =>
        Directory.GetFiles(TestData.VirtImage, "*.xml").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();

    /// <summary>A one-boot appliance; <paramref name="features"/> and <paramref name="os"/> are inner XML.</summary>
    public static ApplianceDescriptor Hvm(
        string arch = "x86_64",
        string features = "<acpi/>",
        string os = "<loader dev='hd'/>",
        string devices = "<vcpu>1</vcpu><memory unit='MiB'>256</memory>",
        string bootType = "hvm",
        string target = "vda",
        string extra = "") => Parse($"""
        <image>
          <name version="1.0" release="1">tiny</name>
          <domain>
            <boot type="{bootType}">
              <guest><arch>{arch}</arch><features>{features}</features></guest>
              <os>{os}</os>
              <drive disk="system" target="{target}"/>
            </boot>
            <devices>{devices}</devices>
          </domain>
          <storage><disk id="system" file="system.img" format="raw"/></storage>
          {extra}
        </image>
        """);

    public static ApplianceDescriptor Parse(string xml, string baseDirectory = "/var/tmp/appliances/tiny")
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(xml));
        var result = DescriptorReader.Read(stream, "appliance.xml", baseDirectory);
        result.HasErrors.ShouldBeFalse(string.Join("; ", result.Problems));
        return result.Descriptor!;
    }
}
