using System.Text.Json;
using Shouldly;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>
/// Verbs that stop a VM say what they wait for and when they force it off; every VM verb takes
/// --connect and checks it; kept data goes to a new VM with --reuse-kept.
/// </summary>
public class PowerTests
{
    private const string Uri = CliRunner.SystemUri;

    [Fact]
    public async Task Stop_shows_its_wait_says_when_it_forces_power_off_and_takes_force()
    {
        // Given a VM whose guest is still booting (no power-button handler yet), so it ignores the button
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        var name = $"va-e2e-pwr-{Guid.NewGuid().ToString("N")[..8]}";
        try
        {
            (await Cli(root, "deploy", "tiny@1.0", "--name", name, "--no-start")).ExitCode.ShouldBe(0);
            (await Cli(root, "start", name, "--no-wait")).ExitCode.ShouldBe(0);

            // When it is stopped with a short timeout
            var stop = await Cli(root, "stop", name, "--timeout", "1");

            // Then it said what it waited for, and that it forced the VM off
            stop.ExitCode.ShouldBe(0, stop.ToString());
            stop.Stderr.ShouldContain($"{name}: asking the guest to power off (up to 1 s, then it is forced off)");
            stop.Stderr.ShouldContain($"{name}: the guest did not power off within 1 s; forcing it off");
            State(await Cli(root, "vms", "--json"), name).ShouldBe("shut off");

            // When it is started again and stopped with --force
            (await Cli(root, "start", name, "--no-wait")).ExitCode.ShouldBe(0);
            var forced = await Cli(root, "stop", name, "--force");

            // Then it is off at once, and says so
            forced.ExitCode.ShouldBe(0, forced.ToString());
            forced.Stderr.ShouldContain($"{name}: forcing it off");
            forced.Stderr.ShouldNotContain("asking the guest");
        }
        finally
        {
            await Cli(root, "undeploy", name, "--delete-data", "--force");
        }
    }

    [Fact]
    public async Task Every_VM_verb_takes_connect_and_refuses_another_libvirt_than_the_VMs()
    {
        // Given a VM deployed on the system libvirt
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        var name = $"va-e2e-con-{Guid.NewGuid().ToString("N")[..8]}";
        try
        {
            (await Cli(root, "deploy", "tiny@1.0", "--name", name, "--no-start")).ExitCode.ShouldBe(0);

            // When each verb is pointed at another libvirt, then at the right one
            foreach (var verb in new[] { new[] { "start", name, "--no-wait" }, ["stop", name], ["update", name, "--to", "2.0"], ["rollback", name], ["config", name, "apply"], ["undeploy", name] })
            {
                var wrong = await Cli(root, [.. verb, "--connect", "test:///default"]);
                wrong.ExitCode.ShouldBe(3, $"{string.Join(' ', verb)}: {wrong}");
                wrong.Stderr.ShouldContain($"{name} was deployed on {Uri}, not on test:///default");
            }
            var right = await Cli(root, "start", name, "--no-wait", "--connect", Uri);
            right.ExitCode.ShouldBe(0, right.ToString());
        }
        finally
        {
            await Cli(root, "undeploy", name, "--delete-data", "--force");
        }
    }

    [Fact]
    public async Task Kept_user_disks_go_to_a_new_VM_with_reuse_kept_and_foreign_ones_are_refused()
    {
        // Given a VM undeployed with its data kept
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        var old = $"va-e2e-old-{Guid.NewGuid().ToString("N")[..8]}";
        var next = $"va-e2e-new-{Guid.NewGuid().ToString("N")[..8]}";
        try
        {
            (await Cli(root, "deploy", "tiny@1.0", "--name", old, "--no-start")).ExitCode.ShouldBe(0);
            var undeploy = await Cli(root, "undeploy", old, "--json");
            var keptDisk = JsonDocument.Parse(undeploy.Stdout).RootElement.GetProperty("kept_user_disks")[0].GetString()!;

            // When a new VM reuses it
            var deploy = await Cli(root, "deploy", "tiny@1.0", "--name", next, "--no-start", "--reuse-kept", old);

            // Then the kept disk is the new VM's user disk
            deploy.ExitCode.ShouldBe(0, deploy.ToString());
            File.Exists(keptDisk).ShouldBeFalse();
            File.Exists(Path.Combine(root, "instances", next, Path.GetFileName(keptDisk))).ShouldBeTrue();

            // And kept disks another appliance's VM left are refused (exit 3), nothing moved
            var foreign = Path.Combine(root, "kept", "other-20260101000000");
            Directory.CreateDirectory(foreign);
            await File.WriteAllTextAsync(Path.Combine(foreign, "user-photos.img"), "x", TestContext.Current.CancellationToken);
            var refused = await Cli(root, "deploy", "tiny@1.0", "--name", $"{next}x", "--no-start", "--reuse-kept", foreign);
            refused.ExitCode.ShouldBe(3, refused.ToString());
            refused.Stderr.ShouldContain("wants [data]");
            File.Exists(Path.Combine(foreign, "user-photos.img")).ShouldBeTrue();
        }
        finally
        {
            await Cli(root, "undeploy", next, "--delete-data", "--force");
        }
    }

    private static Task<CliResult> Cli(string root, params string[] args) => CliRunner.InStoreAsync(root, args);

    private static string? State(CliResult result, string name)
    {
        result.ExitCode.ShouldBe(0, result.ToString());
        return JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().Single(vm => vm.GetProperty("name").GetString() == name).GetProperty("state").GetString();
    }
}
