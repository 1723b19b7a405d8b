using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Shouldly;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>
/// Site configuration with real guests (the tiny appliance under QEMU, TCG): values rendered onto
/// the config disk reach the guest, each VM has its own identity, config apply changes what the
/// guest sees, an update keeps the values, published ports reach the guest's web server (loopback
/// only), a TCP health check that never opens rolls an update back, and a password is on nothing
/// but the config disk.
/// </summary>
public class SiteConfigurationTests
{
    private const string Uri = CliRunner.SystemUri;

    [Fact]
    public async Task Values_reach_the_guest_each_VM_has_its_own_identity_and_a_password_is_only_on_the_config_disk()
    {
        // Given a values file with a password (never on a command line), and two VMs with different greetings
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        var password = $"Pw-{Guid.NewGuid():N}";
        var values = work.Write("site.yaml", $"mail_host: mail.example.test\nadmin_password: \"{password}\"\n");
        var a = Unique("ida");
        var b = Unique("idb");

        try
        {
            // When
            var first = await Cli(root, "deploy", "tiny@2.0", "--name", a, "--values", values, "--set", "greeting=alpha");
            var second = await Cli(root, "deploy", "tiny@2.0", "--name", b, "--set", "mail_host=other.example.test", "--set", "greeting=beta");

            // Then each guest printed the file rendered from its own values
            first.ExitCode.ShouldBe(0, first.ToString());
            second.ExitCode.ShouldBe(0, second.ToString());
            var consoleA = Console(root, a);
            var consoleB = Console(root, b);
            consoleA.ShouldContain("virt-appliance: file /etc/tiny/greeting.conf: greeting=alpha");
            consoleA.ShouldContain("virt-appliance: file /etc/tiny/greeting.conf: mail_host=mail.example.test");
            consoleA.ShouldContain("virt-appliance: file /etc/tiny/greeting.conf: password_set=yes");
            consoleB.ShouldContain("virt-appliance: file /etc/tiny/greeting.conf: greeting=beta");
            consoleB.ShouldContain("virt-appliance: file /etc/tiny/greeting.conf: password_set=no");
            consoleA.ShouldContain($"virt-appliance: hostname {a}");
            Line(consoleA, "virt-appliance: instance-id ").ShouldNotBe(Line(consoleB, "virt-appliance: instance-id "));
            Line(consoleA, "virt-appliance: machine-id ").ShouldNotBe(Line(consoleB, "virt-appliance: machine-id "));

            // And the password is on the config disk and nowhere else the tool or libvirt wrote
            var seen = new List<string>();
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                if (Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken)).Contains(password, StringComparison.Ordinal))
                    seen.Add(Path.GetRelativePath(root, file));
            }
            seen.ShouldBe([$"instances/{a}/config-1.iso"]);
            Tools.Run("virsh", "-c", Uri, "dumpxml", a).ShouldNotContain(password);
            var qemuLog = $"/var/log/libvirt/qemu/{a}.log";
            if (File.Exists(qemuLog))
                (await File.ReadAllTextAsync(qemuLog, TestContext.Current.CancellationToken)).ShouldNotContain(password);
            foreach (var shown in new[] { await Cli(root, "vms", "--json"), await Cli(root, "config", a), await Cli(root, "config", a, "--json") })
                shown.ToString().ShouldNotContain(password);
            (await Cli(root, "config", a)).Stdout.ShouldContain("********");
        }
        finally
        {
            await Cli(root, "undeploy", a, b, "--delete-data");
        }
    }

    [Fact]
    public async Task Config_apply_changes_what_the_guest_sees_a_published_port_reaches_it_and_an_update_keeps_the_values()
    {
        // Given a VM of 2.0 with a port published by hand
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        var name = Unique("cfg");
        var port = FreeLoopbackPort();

        try
        {
            var deploy = await Cli(root, "deploy", "tiny@2.0", "--name", name, "--set", "mail_host=mail.example.test", "--publish", $"{port}:80");
            deploy.ExitCode.ShouldBe(0, deploy.ToString());
            (await HttpAsync(port)).ShouldContain("greeting=hello");

            // When a value is changed and applied
            (await Cli(root, "config", name, "set", "greeting=changed by the site")).ExitCode.ShouldBe(0);
            var diff = await Cli(root, "config", name, "diff");
            var apply = await Cli(root, "config", name, "apply");

            // Then the guest sees it after its restart, on the same published port
            diff.Stdout.ShouldContain("greeting: hello -> changed by the site");
            apply.ExitCode.ShouldBe(0, apply.ToString());
            Console(root, name).ShouldContain("virt-appliance: file /etc/tiny/greeting.conf: greeting=changed by the site");
            (await HttpAsync(port)).ShouldContain("greeting=changed by the site");

            // When it is updated to 4.0, whose own port 80 is declared
            var update = await Cli(root, "update", name, "--to", "4.0");

            // Then the values came along, and the forward too
            update.ExitCode.ShouldBe(0, update.ToString());
            var console = Console(root, name);
            console.ShouldContain("virt-appliance: healthy tiny 4.0");
            console.ShouldContain("virt-appliance: file /etc/tiny/greeting.conf: greeting=changed by the site");
            (await HttpAsync(port)).ShouldContain("tiny 4.0");
            var vm = Vms(await Cli(root, "vms", "--json")).Single();
            vm.GetProperty("forwards").EnumerateArray().Select(forward => forward.GetProperty("host_port").GetInt32()).ShouldBe([port]);
        }
        finally
        {
            await Cli(root, "undeploy", name, "--delete-data");
        }
    }

    [Fact]
    public async Task A_declared_port_is_published_by_itself_and_an_update_whose_port_never_opens_rolls_back()
    {
        // Given 4.0, whose health is its TCP port 80, deployed without any --publish
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        var name = Unique("tcp");

        try
        {
            var deploy = await Cli(root, "deploy", "tiny@4.0", "--name", name, "--set", "mail_host=mail.example.test");
            deploy.ExitCode.ShouldBe(0, deploy.ToString());
            var forward = Vms(await Cli(root, "vms", "--json")).Single().GetProperty("forwards").EnumerateArray().Single();
            forward.GetProperty("address").GetString().ShouldBe("127.0.0.1");
            forward.GetProperty("guest_port").GetInt32().ShouldBe(80);
            var port = forward.GetProperty("host_port").GetInt32();
            (await HttpAsync(port)).ShouldContain("tiny 4.0");

            // When it is updated to 5.0, which never opens port 80
            var update = await Cli(root, "update", name, "--to", "5.0");

            // Then the update fails, says why, and the VM serves 4.0 again
            update.ExitCode.ShouldBe(6, update.ToString());
            update.Stderr.ShouldContain("rolled back to tiny@4.0-1");
            update.Stderr.ShouldContain("guest port 80");
            var vm = Vms(await Cli(root, "vms", "--json")).Single();
            vm.GetProperty("version").GetString().ShouldBe("4.0");
            vm.GetProperty("state").GetString().ShouldBe("running");
            (await HttpAsync(port)).ShouldContain("tiny 4.0");
        }
        finally
        {
            await Cli(root, "undeploy", name, "--delete-data");
        }
    }

    [Fact]
    public async Task Bad_values_are_refused_naming_each_problem_with_nothing_created()
    {
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        var name = Unique("bad");
        var values = work.Write("bad.json", "{\n  \"mail_host\": \"mail.example.test\",\n  \"greting\": \"hi\"\n}\n");

        var result = await Cli(root, "deploy", "tiny@2.0", "--name", name, "--values", values, "--set", "mail_host=not a host!");

        result.ExitCode.ShouldBe(3, result.ToString());
        result.Stderr.ShouldContain("parameter 'mail_host' (host): 'not a host!' is not a host name or IP address");
        result.Stderr.ShouldContain($"{values}:3:");
        result.Stderr.ShouldContain("did you mean 'greeting'");
        Tools.Run("virsh", "-c", Uri, "list", "--all", "--name").ShouldNotContain(name);
        Directory.Exists(Path.Combine(root, "instances", name)).ShouldBeFalse();
    }

    private static Task<CliResult> Cli(string root, params string[] args) => CliRunner.InStoreAsync(root, args);

    private static List<JsonElement> Vms(CliResult result)
    {
        result.ExitCode.ShouldBe(0, result.ToString());
        return JsonDocument.Parse(result.Stdout).RootElement.EnumerateArray().ToList();
    }

    private static string Console(string root, string vm) => File.ReadAllText(Path.Combine(root, "instances", vm, "console.log")).Replace("\r", "", StringComparison.Ordinal);

    private static string Line(string console, string prefix) => console.Split('\n').Single(line => line.StartsWith(prefix, StringComparison.Ordinal));

    private static string Unique(string purpose) => $"va-e2e-{purpose}-{Guid.NewGuid().ToString("N")[..8]}";

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>GET / on a loopback port, a few tries: the guest's httpd starts just before its health line.</summary>
    private static async Task<string> HttpAsync(int port)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await client.GetStringAsync(new Uri($"http://127.0.0.1:{port}/"), TestContext.Current.CancellationToken);
            }
            catch (HttpRequestException) when (attempt < 10)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
            }
        }
    }
}
