using System.Runtime.CompilerServices;
using Shouldly;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Tests.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Descriptors;

/// <summary>The documented RELAX NG schema (schemas/appliance.rng) and the writer agree, checked by xmllint.</summary>
public class SchemaTests
{
    [Theory]
    [MemberData(nameof(ReferenceDescriptorTests.AllReferenceFiles), MemberType = typeof(ReferenceDescriptorTests))]
    public void Every_reference_descriptor_is_valid_against_our_schema(string file)
    {
        XmlLint(Path.Combine(TestData.VirtImage, file)).ShouldBe("", $"xmllint rejected {file}");
    }

    [Fact]
    public void What_the_writer_writes_with_every_extension_is_valid_against_our_schema()
    {
        // Given the bundled example, which uses every extension
        var descriptor = DescriptorReader.ReadFile(Path.Combine(RepositoryRoot(), "examples", "wiki", "appliance.xml")).Descriptor!;
        var path = Path.Combine(Path.GetTempPath(), $"written-{Guid.NewGuid():N}.xml");
        try
        {
            // When it is written back
            File.WriteAllText(path, DescriptorWriter.WriteString(descriptor));

            // Then the schema accepts it
            XmlLint(path).ShouldBe("");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_schema_rejects_an_unknown_element_as_the_reader_does()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}.xml");
        File.WriteAllText(path, """
            <image><name>x</name><domain><boot type="hvm"><guest><arch>x86_64</arch></guest><os><loader dev="hd"/></os>
            <drive disk="a"/></boot><devices><vcpu>1</vcpu><memory>65536</memory></devices></domain>
            <storage><disk file="a"/></storage><helth/></image>
            """);
        try
        {
            XmlLint(path).ShouldContain("helth");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_schema_accepts_a_tcp_health_check_and_served_ports()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tcp-{Guid.NewGuid():N}.xml");
        File.WriteAllText(path, """
            <image><name>x</name><domain><boot type="hvm"><guest><arch>x86_64</arch></guest><os><loader dev="hd"/></os>
            <drive disk="a"/></boot><devices><vcpu>1</vcpu><memory>65536</memory><interface><port guest="443" name="https"/></interface></devices></domain>
            <storage><disk file="a"/></storage><health><console pattern="up"/><tcp port="443"/></health></image>
            """);
        try
        {
            XmlLint(path).ShouldBe("");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string XmlLint(string file)
    {
        var result = Tools.TryRun("xmllint", null, "--noout", "--relaxng", Path.Combine(RepositoryRoot(), "schemas", "appliance.rng"), file);
        return result.ExitCode == 0 ? "" : result.Stderr;
    }

    internal static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));
}
