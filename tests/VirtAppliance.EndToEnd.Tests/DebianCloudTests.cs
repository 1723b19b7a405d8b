using Shouldly;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>
/// A Debian guest with Debian's own cloud-init (tests/fixtures/debian-cloud, built from Debian
/// packages and cached) deployed with the real CLI: it takes its hostname, its SSH host keys and the
/// rendered config file (write_files) from the config disk, and two VMs get different identities.
/// </summary>
public class DebianCloudTests
{
    private const string Uri = CliRunner.SystemUri;

    [Fact]
    public async Task Cloud_init_takes_hostname_host_keys_and_files_from_the_config_disk_and_two_VMs_differ()
    {
        // Given the fixture as an appliance with a site parameter and a template for /etc/demo/greeting.conf
        using var work = new TemporaryFolder();
        var fixture = Tools.Run(Path.Combine(CliRunner.RepositoryRoot, "tests", "fixtures", "debian-cloud", "build.sh")).Trim().Split('\n')[^1];
        var appliance = Path.Combine(work.Path, "debian-site");
        Directory.CreateDirectory(appliance);
        foreach (var file in new[] { "vmlinuz", "initrd.img", "system.img", "data.img" })
            Tools.Run("cp", "--sparse=always", "--reflink=auto", Path.Combine(fixture, file), Path.Combine(appliance, file));
        var descriptor = await File.ReadAllTextAsync(Path.Combine(fixture, "appliance.xml"), TestContext.Current.CancellationToken);
        descriptor = descriptor.Replace("<name version=\"1.0\" release=\"1\">debian-cloud</name>", "<name version=\"1.0\" release=\"1\">debian-site</name>", StringComparison.Ordinal)
            .Replace("</storage>", """
                </storage>
                  <parameters><parameter name="greeting" type="string" required="true"/></parameters>
                  <config><template path="/etc/demo/greeting.conf" source="greeting.conf.liquid" mode="0644"/></config>
                """, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(appliance, "appliance.xml"), descriptor, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(appliance, "greeting.conf.liquid"), "greeting={{ greeting }}\n", TestContext.Current.CancellationToken);
        var root = Path.Combine(work.Path, "store");
        var package = Path.Combine(work.Path, "debian-site.vapp");
        (await Cli(root, "pack", appliance, "-o", package)).ExitCode.ShouldBe(0);
        (await Cli(root, "install", package, "--allow-unsigned")).ExitCode.ShouldBe(0);
        var one = $"va-e2e-deb1-{Guid.NewGuid().ToString("N")[..6]}";
        var two = $"va-e2e-deb2-{Guid.NewGuid().ToString("N")[..6]}";

        try
        {
            // When two VMs are deployed with their own values
            var deploys = await Task.WhenAll(
                Cli(root, "deploy", "debian-site", "--name", one, "--set", "greeting=hello from one"),
                Cli(root, "deploy", "debian-site", "--name", two, "--set", "greeting=hello from two"));

            // Then cloud-init took each one's hostname and file from its own config disk
            deploys.ShouldAllBe(result => result.ExitCode == 0, string.Join("\n", deploys.Select(result => result.ToString())));
            var consoleOne = Console(root, one);
            var consoleTwo = Console(root, two);
            consoleOne.ShouldContain("virt-appliance: datasource DataSourceNoCloud");
            consoleOne.ShouldContain($"virt-appliance: hostname {one}");
            consoleTwo.ShouldContain($"virt-appliance: hostname {two}");
            consoleOne.ShouldContain("virt-appliance: file /etc/demo/greeting.conf: greeting=hello from one");
            consoleTwo.ShouldContain("virt-appliance: file /etc/demo/greeting.conf: greeting=hello from two");
            // And each made its own SSH host key and has its own instance id
            Line(consoleOne, "virt-appliance: ssh-host-key ").ShouldNotBe(Line(consoleTwo, "virt-appliance: ssh-host-key "));
            Line(consoleOne, "virt-appliance: instance-id ").ShouldNotBe(Line(consoleTwo, "virt-appliance: instance-id "));
        }
        finally
        {
            await Cli(root, "undeploy", one, two, "--delete-data");
        }
    }

    private static Task<CliResult> Cli(string root, params string[] args) => CliRunner.InStoreAsync(root, args);

    private static string Console(string root, string vm) =>
        File.ReadAllText(Path.Combine(root, "instances", vm, "console.log")).Replace("\r", "", StringComparison.Ordinal);

    private static string Line(string console, string prefix) => console.Split('\n').Single(line => line.StartsWith(prefix, StringComparison.Ordinal));
}
