using Shouldly;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

public class DemoTests
{
    [Fact]
    public async Task The_demo_runs_the_whole_life_and_shows_version_2_reading_the_data_of_version_1()
    {
        var result = await CliRunner.LauncherAsync(null, "demo");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Stdout.ShouldContain("signed by Demo Supplier");
        result.Stdout.ShouldContain("deployed demo-1 from tiny@1.0-1: running");
        result.Stdout.ShouldContain("deployed demo-2 from tiny@1.0-1: running");
        result.Stdout.ShouldContain("demo-1: updated 1.0-1 → 2.0-1");
        result.Stdout.ShouldContain("| virt-appliance: user data: written by tiny 1.0 (boot 1)");
        result.Stdout.ShouldContain("Demo finished");
    }
}
