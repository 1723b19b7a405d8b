using Shouldly;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

public class CheckCommandTests
{
    [Fact]
    public async Task Check_of_an_appliance_the_host_cannot_run_is_exit_code_4_and_names_the_unmet_requirement()
    {
        // Given an appliance for aarch64, and libvirt's test host, which runs i686 guests only
        using var folder = new TemporaryFolder();
        var path = folder.Write("appliance.xml", """
            <image>
              <name>arm-only</name>
              <domain>
                <boot type="hvm"><guest><arch>aarch64</arch></guest><os><loader dev="hd"/></os>
                  <drive disk="root.raw" target="vda"/></boot>
                <devices><vcpu>1</vcpu><memory>262144</memory></devices>
              </domain>
              <storage><disk file="root.raw" format="raw" size="16" use="system"/></storage>
            </image>
            """);

        // When it is checked against that host
        var result = await CliRunner.InProcessAsync("check", path, "--connect", "test:///default");

        // Then the exit code says "does not fit" and the output says which requirement is unmet
        result.ExitCode.ShouldBe(4, result.ToString());
        result.Stderr.ShouldContain("arm-only does not fit this host");
        result.Stderr.ShouldContain("needs an aarch64 guest");
    }
}
