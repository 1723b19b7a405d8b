using System.Text;
using Shouldly;
using VirtAppliance.Core.Descriptors;
using Xunit;

namespace VirtAppliance.Core.Tests.Descriptors;

public class ValidationTests
{
    private static IReadOnlyList<DescriptorProblem> Problems(string xml, ValidationPurpose purpose = ValidationPurpose.Describe)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(xml));
        var read = DescriptorReader.Read(stream, "appliance.xml", baseDirectory: null);
        return read.Descriptor is null ? read.Problems : [.. read.Problems, .. DescriptorValidator.Validate(read.Descriptor, purpose)];
    }

    private static string Errors(IReadOnlyList<DescriptorProblem> problems) =>
        string.Join("\n", problems.Where(problem => problem.Severity == Severity.Error));

    [Fact]
    public void Every_problem_is_reported_at_once_each_with_its_own_line()
    {
        // Given a descriptor with many independent mistakes
        var problems = Problems("""
            <image>
              <name version="one">demo</name>
              <domain>
                <boot type="pvh">
                  <guest><arch>z80</arch><features><pae state="maybe"/></features></guest>
                  <os><loader dev="hd"/></os>
                  <drive disk="root" target="vda"/>
                  <drive disk="nosuchdisk" target="vda"/>
                </boot>
                <devices><vcpu>1</vcpu><memory>lots</memory></devices>
              </domain>
              <storage>
                <disk id="root" file="root.img"/>
                <disk id="root" file="other.img"/>
              </storage>
              <parameters><parameter name="admin_email"/></parameters>
              <helth timeout="10"/>
            </image>
            """);

        // Then each is there, with the line it is on
        var errors = problems.Where(problem => problem.Severity == Severity.Error).ToList();
        errors.ShouldContain(problem => problem.Message.Contains("'pvh' is not a valid boot type") && problem.Location.Line == 4);
        errors.ShouldContain(problem => problem.Message.Contains("'z80' is not a known architecture") && problem.Location.Line == 5);
        errors.ShouldContain(problem => problem.Message.Contains("feature state 'maybe'") && problem.Location.Line == 5);
        errors.ShouldContain(problem => problem.Message.Contains("'nosuchdisk'") && problem.Location.Line == 8);
        errors.ShouldContain(problem => problem.Message.Contains("target 'vda' is used twice") && problem.Location.Line == 8);
        errors.ShouldContain(problem => problem.Message.Contains("'lots' is not a whole number") && problem.Location.Line == 10);
        errors.ShouldContain(problem => problem.Message.Contains("disk id 'root' is used by more than one") && problem.Location.Line == 14);
        errors.ShouldContain(problem => problem.Message.Contains("parameter 'admin_email' has no type") && problem.Location.Line == 16);
        errors.ShouldContain(problem => problem.Message.Contains("unknown element <helth>") && problem.Hint!.Contains("<health>") && problem.Location.Line == 17);
        errors.ShouldContain(problem => problem.Message.Contains("version 'one'"));
        errors.ShouldAllBe(problem => problem.Location.Column > 0 || problem.Location.Line == 0);
    }

    [Fact]
    public void Drives_without_target_get_the_next_free_name()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("""
            <image><name>t</name><domain>
              <boot type="hvm"><guest><arch>x86_64</arch></guest><os><loader dev="hd"/></os>
                <drive disk="a" target="vda"/><drive disk="b"/><drive disk="c" target="vdb"/><drive disk="d"/>
              </boot>
              <devices><vcpu>1</vcpu><memory>262144</memory></devices></domain>
              <storage><disk file="a"/><disk file="b"/><disk file="c"/><disk file="d"/></storage></image>
            """));

        var boot = DescriptorReader.Read(stream, "x.xml", null).Descriptor!.Boots.Single();

        boot.Drives.Select(drive => drive.Target).ShouldBe(["vda", "vdc", "vdb", "vdd"]);
    }

    [Fact]
    public void Memory_units_are_converted_to_KiB()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("""
            <image><name>t</name><domain>
              <boot type="hvm"><guest><arch>amd64</arch></guest><os><loader dev="hd"/></os><drive disk="a"/></boot>
              <devices><vcpu>2</vcpu><memory unit="GiB">2</memory></devices></domain>
              <storage><disk file="a"/></storage></image>
            """));

        var descriptor = DescriptorReader.Read(stream, "x.xml", null).Descriptor!;

        descriptor.Devices.MemoryKiB.ShouldBe(2L * 1024 * 1024);
        descriptor.Boots.Single().Arch.ShouldBe("x86_64");
    }

    [Theory]
    [InlineData("""<parameter name="port" type="port"><default>70000</default></parameter>""", "does not fit its type")]
    [InlineData("""<parameter name="mode" type="enum"/>""", "has no <choice>")]
    [InlineData("""<parameter name="Bad-Name" type="string"/>""", "not lower case")]
    [InlineData("""<parameter name="n" type="int" min="1" max="5"><default>9</default></parameter>""", "above the maximum")]
    [InlineData("""<parameter name="on" type="bool" required="perhaps"/>""", "not a boolean")]
    [InlineData("""<parameter name="n" type="decimal"/>""", "not a valid parameter type")]
    public void Bad_parameters_are_errors(string parameter, string expected)
    {
        var problems = Problems(WithExtra($"<parameters>{parameter}</parameters>"));

        Errors(problems).ShouldContain(expected);
    }

    [Theory]
    [InlineData("""<health timeout="0"><console pattern="up"/></health>""", "out of range")]
    [InlineData("""<health><console pattern="(unclosed"/></health>""", "not a valid regular expression")]
    [InlineData("""<health><console pattern="up"/><tcp port="443"/></health>""", "needs a network interface, and the appliance has none")]
    [InlineData("""<health><tcp port="70000"/></health>""", "health port")]
    [InlineData("""<health><console/></health>""", "says nothing to check")]
    [InlineData("""<health/>""", "says nothing to check")]
    [InlineData("""<config><template path="etc/x" source="x.tmpl"/></config>""", "not an absolute path")]
    [InlineData("""<stateless><persistent path="/etc/ssh"/></stateless>""", "need a user disk")]
    [InlineData("""<requirements><memory unit="parsecs">3</memory></requirements>""", "not a memory unit")]
    public void Bad_extensions_are_errors(string extra, string expected)
    {
        Errors(Problems(WithExtra(extra))).ShouldContain(expected);
    }

    [Fact]
    public void A_valid_descriptor_with_every_extension_has_no_problems()
    {
        var problems = Problems(WithExtra("""
            <parameters>
              <parameter name="hostname" type="host" required="true"><label>Host name</label></parameter>
              <parameter name="http_port" type="port"><default>8080</default></parameter>
              <parameter name="mode" type="enum"><default>fast</default><choice>fast</choice><choice>safe</choice></parameter>
            </parameters>
            <config><template path="/etc/app.conf" source="templates/app.conf" mode="0644"/></config>
            <health timeout="60"><console pattern="^ready$"/></health>
            <requirements><memory unit="MiB">512</memory><vcpus>1</vcpus></requirements>
            """));

        problems.ShouldBeEmpty();
    }

    [Fact]
    public void A_tcp_health_check_without_an_interface_is_an_error_at_its_health_element()
    {
        // Given a TCP health check on an appliance with no network interface to reach the port through
        var xml = WithExtra("""
            <health timeout="60">
                <tcp port="443"/>
              </health>
            """);
        var lines = xml.Split('\n').ToList();
        var healthLine = lines.FindIndex(line => line.Contains("<health", StringComparison.Ordinal)) + 1;

        // When it is validated
        var errors = Problems(xml).Where(problem => problem.Severity == Severity.Error).ToList();

        // Then it is an error where the check stands, saying how to give the appliance a reachable port
        var problem = errors.ShouldHaveSingleItem();
        problem.Message.ShouldBe("the TCP health check on port 443 needs a network interface, and the appliance has none");
        problem.Location.Line.ShouldBe(healthLine);
        problem.Hint.ShouldNotBeNull().ShouldContain("<port guest=\"443\"/>");
    }

    [Fact]
    public void A_health_element_with_no_check_is_an_error()
    {
        var errors = Problems(WithExtra("""<health timeout="60"/>""")).Where(problem => problem.Severity == Severity.Error).ToList();

        errors.ShouldHaveSingleItem().Message.ShouldBe("<health> says nothing to check");
    }

    [Fact]
    public void A_file_path_with_dot_dot_is_an_error()
    {
        var problems = Problems(WithExtra("", diskFile: "../outside.img"));

        Errors(problems).ShouldContain("leaves the appliance folder");
    }

    private static string WithExtra(string extra, string diskFile = "root.img") => $"""
        <image>
          <name version="1.0" release="1">demo</name>
          <domain>
            <boot type="hvm">
              <guest><arch>x86_64</arch><features><acpi/></features></guest>
              <os><loader dev="hd"/></os>
              <drive disk="root" target="vda"/>
            </boot>
            <devices><vcpu>1</vcpu><memory unit="MiB">256</memory></devices>
          </domain>
          <storage><disk id="root" file="{diskFile}" use="system" format="qcow2"/></storage>
          {extra}
        </image>
        """;
}
