using System.Text;
using Shouldly;
using VirtAppliance.Core.Descriptors;
using Xunit;

namespace VirtAppliance.Core.Tests.Descriptors;

public class MalformedDescriptorTests
{
    private const string Valid = """
        <image>
          <name version="1.0">tiny</name>
          <domain>
            <boot type="hvm">
              <guest><arch>x86_64</arch></guest>
              <os><loader dev="hd"/></os>
              <drive disk="root.img" target="vda"/>
            </boot>
            <devices><vcpu>1</vcpu><memory>262144</memory></devices>
          </domain>
          <storage><disk file="root.img" use="system"/></storage>
        </image>
        """;

    public static TheoryData<string, byte[], string> MalformedInputs() => new()
    {
        { "truncated XML", Encoding.UTF8.GetBytes(Valid[..(Valid.Length / 2)]), "not well-formed XML" },
        { "XXE external entity", Encoding.UTF8.GetBytes("""<?xml version="1.0"?><!DOCTYPE image [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><image><name>&xxe;</name></image>"""), "DOCTYPE" },
        { "entity expansion bomb", Encoding.UTF8.GetBytes("""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><image>&lol3;</image>"""), "DOCTYPE" },
        { "binary garbage", [0x00, 0xff, 0xfe, 0x13, 0x37, 0x80, 0x81, 0x00, 0x42], "not well-formed XML" },
        { "empty file", [], "empty" },
        { "huge file", Encoding.UTF8.GetBytes("<image>" + new string(' ', (int)DescriptorReader.MaxDescriptorBytes) + "</image>"), "at most" },
        { "wrong root", Encoding.UTF8.GetBytes("<domain type='kvm'><name>x</name></domain>"), "root element is <domain>" },
        { "two roots", Encoding.UTF8.GetBytes("<image/><image/>"), "not well-formed XML" },
    };

    [Theory]
    [MemberData(nameof(MalformedInputs))]
    public void Malformed_input_is_reported_as_an_error_with_its_location_and_never_throws(string what, byte[] content, string expected)
    {
        // Given a file that is not a usable descriptor
        using var stream = new MemoryStream(content);

        // When it is read
        var result = DescriptorReader.Read(stream, "bad.xml", baseDirectory: null);

        // Then there is an error that says what is wrong, in that file
        result.HasErrors.ShouldBeTrue(what);
        var error = result.Problems.First(problem => problem.Severity == Severity.Error);
        error.Location.File.ShouldBe("bad.xml");
        error.Message.ShouldContain(expected, Case.Insensitive, what);
        error.Hint.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void An_external_entity_is_never_resolved()
    {
        // Given a descriptor that tries to read a local file through an entity
        var secret = Path.Combine(Path.GetTempPath(), $"secret-{Guid.NewGuid():N}");
        File.WriteAllText(secret, "TOP-SECRET");
        try
        {
            var xml = $"""<?xml version="1.0"?><!DOCTYPE image [<!ENTITY xxe SYSTEM "file://{secret}">]><image><name>&xxe;</name></image>""";
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(xml));

            // When it is read
            var result = DescriptorReader.Read(stream, "xxe.xml", null);

            // Then nothing of the file appears anywhere
            result.Descriptor.ShouldBeNull();
            result.Problems.ShouldAllBe(problem => !problem.Message.Contains("TOP-SECRET"));
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public void Malformed_xml_reports_the_line_and_column_of_the_fault()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("<image>\n  <name>x</nam>\n</image>"));

        var result = DescriptorReader.Read(stream, "bad.xml", null);

        var error = result.Problems.Single();
        error.Location.Line.ShouldBe(2);
        error.Location.Column.ShouldBeGreaterThan(1);
    }
}
