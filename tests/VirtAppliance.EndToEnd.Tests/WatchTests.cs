using System.Diagnostics;
using System.Text.Json;
using Shouldly;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>
/// status and the watch pass against a real guest (the debian-cloud fixture with qemu-guest-agent, QEMU TCG): the file
/// systems come from the agent; a data disk filled inside the guest past its warning level fires one alert, which reaches
/// a real SMTP server once and a webhook once (after two refused attempts); emptied, the alert clears, notified once.
/// </summary>
public class WatchTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_disk_filled_in_the_guest_fires_one_alert_by_mail_and_webhook_and_clears_once_the_disk_grows_with_the_data_intact()
    {
        // Given the fixture with a warning level of 50 % on its 64 MiB data disk, deployed and healthy
        using var work = new TemporaryFolder();
        var fixture = Tools.Run(Path.Combine(CliRunner.RepositoryRoot, "tests", "fixtures", "debian-cloud", "build.sh")).Trim().Split('\n')[^1];
        var appliance = Path.Combine(work.Path, "debian-watch");
        Directory.CreateDirectory(appliance);
        foreach (var file in new[] { "vmlinuz", "initrd.img", "system.img", "data.img" })
            Tools.Run("cp", "--sparse=always", "--reflink=auto", Path.Combine(fixture, file), Path.Combine(appliance, file));
        var descriptor = (await File.ReadAllTextAsync(Path.Combine(fixture, "appliance.xml"), Cancel))
            .Replace(">debian-cloud</name>", ">debian-watch</name>", StringComparison.Ordinal)
            .Replace("""<disk id="data" file="data.img" use="user" format="raw">""", """<disk id="data" file="data.img" use="user" format="raw"><threshold warning="50" critical="95"/>""",
                StringComparison.Ordinal);
        descriptor.ShouldContain("<guest-agent/>");
        await File.WriteAllTextAsync(Path.Combine(appliance, "appliance.xml"), descriptor, Cancel);
        var root = Path.Combine(work.Path, "store");
        (await Cli(root, "pack", appliance, "-o", Path.Combine(work.Path, "w.vapp"))).ExitCode.ShouldBe(0);
        (await Cli(root, "install", Path.Combine(work.Path, "w.vapp"), "--allow-unsigned")).ExitCode.ShouldBe(0);
        using var mailbox = new SmtpMailbox(Path.Combine(work.Path, "mail"));
        using var webhook = new WebhookListener(failFirst: 2);
        (await Cli(root, "notify", "add", "email", "ops", "--smtp", $"127.0.0.1:{mailbox.Port}", "--tls", "none", "--from", "va@example.org", "--to", "ops@example.org"))
            .ExitCode.ShouldBe(0);
        (await Cli(root, "notify", "add", "webhook", "hook", webhook.Url.ToString(), "--backoff", "0.2")).ExitCode.ShouldBe(0);
        var vm = $"va-e2e-watch-{Guid.NewGuid().ToString("N")[..6]}";
        try
        {
            var deploy = await Cli(root, "deploy", "debian-watch", "--name", vm);
            deploy.ExitCode.ShouldBe(0, deploy.ToString());

            // When status asks (the agent starts a moment after the health line)
            var status = await WaitForAgentAsync(root, vm);

            // Then the guest's /data is on the data disk, nearly empty, and the level is ok
            var data = status.GetProperty("disks").EnumerateArray().Single(disk => disk.GetProperty("id").GetString() == "data");
            data.GetProperty("basis").GetString().ShouldBe("file_system");
            data.GetProperty("file_systems").EnumerateArray().ShouldContain(fs => fs.GetProperty("mountpoint").GetString() == "/data");
            data.GetProperty("used_percent").GetDouble().ShouldBeLessThan(20);
            data.GetProperty("threshold").GetProperty("warning").GetInt32().ShouldBe(50);
            data.GetProperty("level").GetString().ShouldBe("ok");
            status.GetProperty("health").GetString().ShouldBe("healthy");
            status.GetProperty("vcpus").GetInt32().ShouldBe(1);
            var text = await Cli(root, "status", vm);
            text.Stdout.ShouldContain("/data ext4");
            (await Cli(root, "watch", "--once")).ExitCode.ShouldBe(0);
            mailbox.Mails.ShouldBeEmpty();

            // When 40 MiB are written to /data inside the guest and the watch runs twice
            await GuestAsync(vm, "dd if=/dev/zero of=/data/fill bs=1M count=40 conv=fsync");
            var fired = await Cli(root, "watch", "--once");
            var again = await Cli(root, "watch", "--once");

            // Then one warning fired, delivered once by mail and once by webhook (its third attempt), and not again
            fired.ExitCode.ShouldBe(0, fired.ToString());
            fired.Stdout.ShouldContain("fired:");
            again.Stdout.ShouldContain("0 changes");
            mailbox.Mails.Count.ShouldBe(1);
            mailbox.Mails[0].ShouldContain($"Subject: [virt-appliance] {vm}: disk data is");
            mailbox.Mails[0].ShouldContain("WARNING");
            webhook.Accepted.Count.ShouldBe(1);
            webhook.Requests.ShouldBe(3);
            using (var body = JsonDocument.Parse(webhook.Accepted[0]))
            {
                body.RootElement.GetProperty("vm").GetString().ShouldBe(vm);
                body.RootElement.GetProperty("change").GetString().ShouldBe("fired");
                body.RootElement.GetProperty("level").GetString().ShouldBe("warning");
            }
            var warned = JsonDocument.Parse((await Cli(root, "status", vm, "--json")).Stdout).RootElement;
            warned.GetProperty("level").GetString().ShouldBe("warning");

            // When the running VM's data disk grows by 64 MiB
            var before = await GuestAsync(vm, "sha256sum /data/fill");
            var grow = await Cli(root, "grow", vm, "data", "+64M", "--json");

            // Then the guest agent grew the file system; the guest sees twice the space, the file is intact, and the alert clears
            grow.ExitCode.ShouldBe(0, grow.ToString());
            using (var grown = JsonDocument.Parse(grow.Stdout))
                grown.RootElement.GetProperty("file_system").GetString().ShouldBe("grown_by_guest_agent", grow.Stdout);
            (await GuestAsync(vm, "sha256sum /data/fill")).ShouldBe(before);
            var roomy = JsonDocument.Parse((await Cli(root, "status", vm, "--json")).Stdout).RootElement
                .GetProperty("disks").EnumerateArray().Single(disk => disk.GetProperty("id").GetString() == "data");
            roomy.GetProperty("file_systems").EnumerateArray().Single(fs => fs.GetProperty("mountpoint").GetString() == "/data")
                .GetProperty("total_bytes").GetInt64().ShouldBeGreaterThan(100L * 1024 * 1024, "64 MiB before (ext4 keeps some for itself)");
            roomy.GetProperty("used_percent").GetDouble().ShouldBeLessThan(45);
            var cleared = await Cli(root, "watch", "--once");

            // And the clearing is notified once more on each channel
            cleared.Stdout.ShouldContain("cleared:");
            mailbox.Mails.Count.ShouldBe(2);
            mailbox.Mails[1].ShouldContain("alert cleared");
            webhook.Accepted.Count.ShouldBe(2);
            (await Cli(root, "watch", "--once")).Stdout.ShouldContain("0 changes");
            mailbox.Mails.Count.ShouldBe(2);
        }
        finally
        {
            await Cli(root, "undeploy", vm, "--delete-data", "--force");
        }
    }

    [Fact]
    public async Task Status_of_an_unknown_VM_exits_7()
    {
        using var work = new TemporaryFolder();

        var result = await Cli(Path.Combine(work.Path, "store"), "status", "no-such-vm");

        result.ExitCode.ShouldBe(7);
        result.Stderr.ShouldContain("no VM named 'no-such-vm'");
    }

    private static Task<CliResult> Cli(string root, params string[] args) => CliRunner.InStoreAsync(root, args);

    private static async Task<JsonElement> WaitForAgentAsync(string root, string vm)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var result = await Cli(root, "status", vm, "--json");
            result.ExitCode.ShouldBe(0, result.ToString());
            var status = JsonDocument.Parse(result.Stdout).RootElement.Clone();
            if (status.GetProperty("guest_agent").GetString() == "answering" || clock.Elapsed > TimeSpan.FromSeconds(90))
            {
                status.GetProperty("guest_agent").GetString().ShouldBe("answering", result.Stdout);
                return status;
            }
            await Task.Delay(TimeSpan.FromSeconds(3), Cancel);
        }
    }

    /// <summary>Runs a shell command in the guest through its agent (guest-exec), waits until it exits with 0, and returns what it printed.</summary>
    private static async Task<string> GuestAsync(string vm, string command)
    {
        var start = JsonSerializer.Serialize(new { execute = "guest-exec", arguments = new Dictionary<string, object> { ["path"] = "/bin/sh", ["arg"] = new[] { "-c", command }, ["capture-output"] = true } });
        var pid = JsonDocument.Parse(Tools.Run("virsh", "-c", CliRunner.SystemUri, "qemu-agent-command", vm, start)).RootElement.GetProperty("return").GetProperty("pid").GetInt32();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            var answer = JsonDocument.Parse(Tools.Run("virsh", "-c", CliRunner.SystemUri, "qemu-agent-command", vm, "{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":" + pid + "}}"))
                .RootElement.GetProperty("return");
            if (answer.GetProperty("exited").GetBoolean())
            {
                answer.GetProperty("exitcode").GetInt32().ShouldBe(0, $"{command} failed in the guest: {answer}");
                return answer.TryGetProperty("out-data", out var output) ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(output.GetString()!)) : "";
            }
            await Task.Delay(TimeSpan.FromSeconds(1), Cancel);
        }
        throw new TimeoutException($"{command} did not finish in the guest within 2 minutes");
    }
}
