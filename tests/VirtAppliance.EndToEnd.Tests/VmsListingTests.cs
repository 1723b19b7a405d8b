using System.Text.Json;
using Shouldly;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

public class VmsListingTests
{
    private const string Uri = "qemu:///system";

    [Theory]
    [InlineData(40)]
    [InlineData(80)]
    [InlineData(200)]
    public async Task Vms_never_breaks_a_path_across_lines_whatever_the_console_width(int width)
    {
        // Given a deployed VM (not started) whose console log path is longer than a narrow console
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        var name = $"va-vms-{Guid.NewGuid():N}"[..15];
        (await CliRunner.InProcessAsync("deploy", "tiny@1.0", "--name", name, "--no-start", "--root", root, "--connect", Uri, "--virt-type", "qemu"))
            .ExitCode.ShouldBe(0);
        try
        {
            var consoleLog = JsonDocument.Parse((await CliRunner.InProcessAsync("vms", "--json", "--root", root)).Stdout)
                .RootElement[0].GetProperty("console_log").GetString().ShouldNotBeNull();
            consoleLog.Length.ShouldBeGreaterThan(40);

            // When the VMs are listed on a console that wide
            var result = await CliRunner.InProcessWithWidthAsync(width, "vms", "--root", root);

            // Then the VM is there and its console log path is whole on one line
            result.ExitCode.ShouldBe(0, result.ToString());
            result.Stdout.ShouldContain(name);
            result.Stdout.Split('\n').ShouldContain(line => line.Contains(consoleLog, StringComparison.Ordinal), result.ToString());
        }
        finally
        {
            await CliRunner.InProcessAsync("undeploy", name, "--delete-data", "--root", root);
        }
    }
}
