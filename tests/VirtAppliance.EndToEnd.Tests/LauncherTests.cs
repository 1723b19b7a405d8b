using System.Text.Json;
using Shouldly;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

public class LauncherTests
{
    private static readonly string PublishedCli = Path.Combine(CliRunner.RepositoryRoot, "artifacts", "cli", "virt-appliance.dll");

    private static readonly string Descriptor = Path.Combine(
        CliRunner.RepositoryRoot, "tests", "VirtAppliance.Core.Tests", "Descriptors", "TestData", "virt-image", "image2nics.xml");

    [Fact]
    public async Task The_launcher_says_on_stderr_that_it_builds_and_stays_quiet_when_the_build_is_up_to_date()
    {
        // Given a launcher build older than the sources (as after a checkout or an edit)
        var first = await CliRunner.LauncherAsync(null, "validate", Descriptor);
        first.ExitCode.ShouldBe(0, first.ToString());
        File.SetLastWriteTimeUtc(PublishedCli, new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        // When it runs a command with JSON output
        var rebuilt = await CliRunner.LauncherAsync(null, "validate", Descriptor, "--json");

        // Then stderr says what it is doing and when it is done, and stdout is the command's JSON alone
        rebuilt.ExitCode.ShouldBe(0, rebuilt.ToString());
        rebuilt.Stderr.ShouldContain("virt-appliance: building the CLI (first run or sources changed) …");
        rebuilt.Stderr.ShouldContain("virt-appliance: built the CLI in ");
        rebuilt.Stdout.ShouldNotContain("building");
        JsonDocument.Parse(rebuilt.Stdout).RootElement.GetProperty("valid").GetBoolean().ShouldBeTrue();

        // And the next run, with the build up to date, says nothing about building
        var again = await CliRunner.LauncherAsync(null, "validate", Descriptor);
        again.ExitCode.ShouldBe(0, again.ToString());
        again.Stderr.ShouldNotContain("build");
    }
}
