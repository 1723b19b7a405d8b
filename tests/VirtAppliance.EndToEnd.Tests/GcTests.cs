using System.Text.Json;
using Shouldly;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>gc of instance folders that no VM owns, on the real libvirt.</summary>
public class GcTests
{
    private const string Uri = "qemu:///system";

    [Fact]
    public async Task Gc_removes_an_instance_folder_without_row_or_domain_and_keeps_the_others()
    {
        // Given a deployed VM, the folder an undeploy killed after forgetting its VM leaves behind,
        // and a folder whose domain exists without a row (what 'vms --repair' adopts)
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var owned = $"va-gc-own-{suffix}";
        var withDomain = $"va-gc-dom-{suffix}";
        var orphan = Path.Combine(root, "instances", $"va-gc-orphan-{suffix}");
        (await CliRunner.InProcessAsync("deploy", "tiny@1.0", "--name", owned, "--no-start", "--root", root, "--connect", Uri, "--virt-type", "qemu"))
            .ExitCode.ShouldBe(0);
        Directory.CreateDirectory(orphan);
        await File.WriteAllBytesAsync(Path.Combine(orphan, "data.img"), new byte[1 << 20], TestContext.Current.CancellationToken);
        Directory.CreateDirectory(Path.Combine(root, "instances", withDomain));
        var xml = Path.Combine(work.Path, "domain.xml");
        await File.WriteAllTextAsync(xml, $"<domain type='qemu'><name>{withDomain}</name><memory unit='MiB'>32</memory><os><type arch='x86_64'>hvm</type></os></domain>",
            TestContext.Current.CancellationToken);
        Tools.Run("virsh", "-c", Uri, "define", xml);
        try
        {
            // When
            var collected = await CliRunner.InProcessAsync("gc", "--json", "--root", root, "--connect", Uri);
            var again = await CliRunner.InProcessAsync("gc", "--root", root, "--connect", Uri);

            // Then only the orphan went; the VM is still whole
            collected.ExitCode.ShouldBe(0, collected.ToString());
            var answer = JsonDocument.Parse(collected.Stdout).RootElement;
            answer.GetProperty("instance_folders").EnumerateArray().Select(folder => folder.GetString()).ShouldBe([orphan]);
            answer.GetProperty("removed").GetInt32().ShouldBe(1);
            Directory.Exists(orphan).ShouldBeFalse();
            Directory.Exists(Path.Combine(root, "instances", withDomain)).ShouldBeTrue();
            Directory.Exists(Path.Combine(root, "instances", owned)).ShouldBeTrue();
            again.Stdout.ShouldContain("nothing to clean");
            (await CliRunner.InProcessAsync("vms", "--root", root)).Stdout.ShouldContain(owned);
        }
        finally
        {
            Tools.Run("virsh", "-c", Uri, "undefine", withDomain);
            await CliRunner.InProcessAsync("undeploy", owned, "--delete-data", "--root", root);
        }
    }
}
