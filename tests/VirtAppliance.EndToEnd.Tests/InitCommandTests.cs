using System.Text.Json;
using Shouldly;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>
/// init for someone who already has a VM: from the tiny appliance's disk files, and from a shut-off
/// domain on the system libvirt; the result validates, packs, installs and deploys healthy.
/// </summary>
public class InitCommandTests
{
    private const string Uri = CliRunner.SystemUri;

    /// <summary>The folder the fixture script built the tiny appliances in (cached).</summary>
    private static string Fixture(string version = "1.0") =>
        Path.Combine(Tools.Run(Path.Combine(CliRunner.RepositoryRoot, "tests", "fixtures", "build-appliances.sh")).Trim().Split('\n')[^1], $"tiny-{version}");

    [Fact]
    public async Task An_appliance_made_from_the_tiny_disk_files_validates_packs_installs_and_deploys_healthy()
    {
        // Given the tiny appliance's files, as someone with a VM's disks, kernel and initrd has them
        var tiny = Fixture();
        using var work = new TemporaryFolder();
        var dir = Path.Combine(work.Path, "tiny-init");
        var root = Path.Combine(work.Path, "store");
        var name = $"va-e2e-init-{Guid.NewGuid().ToString("N")[..8]}";

        try
        {
            // When init writes an appliance from them
            var init = await CliRunner.InProcessAsync("init", dir, "--disk", Path.Combine(tiny, "system.img"), "--disk", Path.Combine(tiny, "data.img") + ":user",
                "--name", "tiny-init", "--version", "1.0", "--memory", "256M", "--kernel", Path.Combine(tiny, "vmlinuz"), "--initrd", Path.Combine(tiny, "initrd.img"),
                "--cmdline", "console=ttyS0", "--health-console", "^virt-appliance: healthy", "--json");

            // Then it says what it wrote, with the digests of the fixture's own descriptor
            init.ExitCode.ShouldBe(0, init.ToString());
            using var json = JsonDocument.Parse(init.Stdout);
            var disks = json.RootElement.GetProperty("disks").EnumerateArray().ToList();
            disks.Select(disk => (disk.GetProperty("target").GetString(), disk.GetProperty("role").GetString(), disk.GetProperty("format").GetString()))
                .ShouldBe([("vda", "system", "raw"), ("vdb", "user", "raw")]);
            var original = File.ReadAllText(Path.Combine(tiny, "appliance.xml"));
            disks.ShouldAllBe(disk => original.Contains(disk.GetProperty("sha256").GetString()!, StringComparison.Ordinal));
            json.RootElement.GetProperty("not_carried").GetArrayLength().ShouldBe(0);

            // And it validates, packs and installs
            var validate = await CliRunner.InProcessAsync("validate", dir, "--require-files");
            validate.ExitCode.ShouldBe(0, validate.ToString());
            var package = Path.Combine(work.Path, "tiny-init.vapp");
            (await CliRunner.InProcessAsync("pack", dir, "-o", package)).ExitCode.ShouldBe(0);
            var install = await CliRunner.InStoreAsync(root, "install", package, "--allow-unsigned");
            install.ExitCode.ShouldBe(0, install.ToString());

            // And a VM deployed from it on the system libvirt becomes healthy (deploy waits for the console line)
            var deploy = await CliRunner.InStoreAsync(root, "deploy", "tiny-init", "--name", name);
            deploy.ExitCode.ShouldBe(0, deploy.ToString());
            File.ReadAllText(Path.Combine(root, "instances", name, "console.log")).ShouldContain("virt-appliance: healthy tiny 1.0");
        }
        finally
        {
            await CliRunner.InStoreAsync(root, "undeploy", name, "--delete-data");
        }
    }

    [Fact]
    public async Task An_appliance_made_from_a_shut_off_domain_validates_and_lists_the_cdrom_and_mac_it_left()
    {
        // Given a shut-off domain on the system libvirt that boots the tiny appliance, with a CD-ROM and a fixed MAC
        var tiny = Fixture();
        using var work = new TemporaryFolder();
        var domain = $"va-e2e-initdom-{Guid.NewGuid().ToString("N")[..8]}";
        var definition = work.Write("domain.xml", $"""
            <domain type='qemu'>
              <name>{domain}</name>
              <memory unit='MiB'>256</memory>
              <vcpu>1</vcpu>
              <os>
                <type arch='x86_64'>hvm</type>
                <kernel>{tiny}/vmlinuz</kernel>
                <initrd>{tiny}/initrd.img</initrd>
                <cmdline>console=ttyS0</cmdline>
              </os>
              <features><acpi/></features>
              <devices>
                <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='{tiny}/system.img'/><target dev='vda' bus='virtio'/></disk>
                <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='{tiny}/data.img'/><target dev='vdb' bus='virtio'/></disk>
                <disk type='file' device='cdrom'><source file='{tiny}/initrd.img'/><target dev='sdc' bus='scsi'/><readonly/></disk>
                <interface type='user'><mac address='52:54:00:0a:0b:0c'/><model type='virtio'/></interface>
              </devices>
            </domain>
            """);
        Tools.Run("virsh", "-c", Uri, "define", definition);
        var dir = Path.Combine(work.Path, "from-domain");

        try
        {
            // When init reads the domain
            var init = await CliRunner.InProcessAsync("init", dir, "--from-domain", domain, "--connect", Uri, "--name", "tiny-dom", "--convert", "qcow2", "--json");

            // Then the disks are converted copies with their targets, kernel and initrd came along
            init.ExitCode.ShouldBe(0, init.ToString());
            using var json = JsonDocument.Parse(init.Stdout);
            json.RootElement.GetProperty("disks").EnumerateArray()
                .Select(disk => (disk.GetProperty("target").GetString(), disk.GetProperty("file").GetString(), disk.GetProperty("converted").GetBoolean()))
                .ShouldBe([("vda", "system.qcow2", true), ("vdb", "data.qcow2", true)]);
            json.RootElement.GetProperty("files").EnumerateArray().Select(file => file.GetString()).ShouldBe(["vmlinuz", "initrd.img"]);
            // and the CD-ROM, the MAC and the machine type are listed as not carried over
            var notCarried = json.RootElement.GetProperty("not_carried").EnumerateArray().Select(item => item.GetString()!).ToList();
            notCarried.ShouldContain($"cdrom sdc ({tiny}/initrd.img)");
            notCarried.ShouldContain("interface 1: MAC address 52:54:00:0a:0b:0c (deploy gives each VM its own)");
            notCarried.ShouldContain(item => item.StartsWith("machine type 'pc", StringComparison.Ordinal));

            // And the text output lists them too
            var again = await CliRunner.InProcessAsync("init", dir, "--from-domain", domain, "--connect", Uri, "--force");
            again.ExitCode.ShouldBe(0, again.ToString());
            again.Stdout.ShouldContain("not carried over:\n");
            again.Stdout.ShouldContain("  - interface 1: MAC address 52:54:00:0a:0b:0c");

            // And the result validates with its files
            var validate = await CliRunner.InProcessAsync("validate", dir, "--require-files");
            validate.ExitCode.ShouldBe(0, validate.ToString());
        }
        finally
        {
            await Core.Internal.ExternalTool.RunUncheckedAsync("virsh", ["-c", Uri, "undefine", domain], cancellationToken: CancellationToken.None);
        }
    }

    [Fact]
    public async Task Without_a_terminal_a_missing_name_is_a_usage_error_that_names_the_option()
    {
        // Given
        var tiny = Fixture();
        using var work = new TemporaryFolder();
        var dir = Path.Combine(work.Path, "nameless");

        // When
        var result = await CliRunner.InProcessAsync("init", dir, "--disk", Path.Combine(tiny, "system.img"), "--memory", "256M", "--json");

        // Then
        result.ExitCode.ShouldBe(2, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        json.RootElement.GetProperty("error").GetProperty("message").GetString().ShouldBe("init needs --name (there is no terminal to ask on)");
        Directory.Exists(dir).ShouldBeFalse();
    }

    [Fact]
    public async Task On_a_terminal_init_asks_for_the_name_and_memory_nobody_gave()
    {
        // Given
        var tiny = Fixture();
        using var work = new TemporaryFolder();
        var dir = Path.Combine(work.Path, "asked");
        var session = $"va-e2e-init-{Guid.NewGuid().ToString("N")[..8]}";
        var command = $"'{Path.Combine(CliRunner.RepositoryRoot, "virt-appliance")}' init '{dir}' --disk '{tiny}/system.img'; echo virt-appliance-exit=$?; sleep 600";
        try
        {
            // When init runs on a terminal without --name and --memory, and the answers are typed
            Tools.Run("tmux", "new-session", "-d", "-s", session, "-x", "200", "-y", "50", "env", "TERM=xterm", "bash", "-c", command);
            await WaitForScreenAsync(session, "(--name):");
            Tools.Run("tmux", "send-keys", "-t", session, "asked-app", "Enter");
            await WaitForScreenAsync(session, "(--memory):");
            Tools.Run("tmux", "send-keys", "-t", session, "384M", "Enter");
            var screen = await WaitForScreenAsync(session, "virt-appliance-exit=");

            // Then the appliance has them
            screen.ShouldContain("virt-appliance-exit=0");
            var descriptor = File.ReadAllText(Path.Combine(dir, "appliance.xml"));
            descriptor.ShouldContain("<name version=\"1.0\">asked-app</name>");
            descriptor.ShouldContain("<memory>393216</memory>");
        }
        finally
        {
            await Core.Internal.ExternalTool.RunUncheckedAsync("tmux", ["kill-session", "-t", session], cancellationToken: CancellationToken.None);
        }
    }

    private static async Task<string> WaitForScreenAsync(string session, string text)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var screen = "";
        while (clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            screen = Tools.Run("tmux", "capture-pane", "-p", "-J", "-S", "-100", "-t", session);
            if (screen.Contains(text, StringComparison.Ordinal))
                return screen;
            await Task.Delay(TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken);
        }
        throw new TimeoutException($"the terminal never showed '{text}'; it shows:\n{screen}");
    }

    [Fact]
    public async Task A_running_domain_is_refused_with_a_hint_to_stop_it()
    {
        // Given a running domain that boots the tiny appliance
        var tiny = Fixture();
        using var work = new TemporaryFolder();
        var domain = $"va-e2e-initrun-{Guid.NewGuid().ToString("N")[..8]}";
        var definition = work.Write("domain.xml", $"""
            <domain type='qemu'>
              <name>{domain}</name>
              <memory unit='MiB'>128</memory>
              <os><type arch='x86_64'>hvm</type><kernel>{tiny}/vmlinuz</kernel><initrd>{tiny}/initrd.img</initrd><cmdline>console=ttyS0</cmdline></os>
              <devices><disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='{tiny}/system.img'/><target dev='vda' bus='virtio'/><readonly/></disk></devices>
            </domain>
            """);
        Tools.Run("virsh", "-c", Uri, "define", definition);
        try
        {
            Tools.Run("virsh", "-c", Uri, "start", domain);

            // When
            var result = await CliRunner.InProcessAsync("init", Path.Combine(work.Path, "out"), "--from-domain", domain, "--connect", Uri);

            // Then
            result.ExitCode.ShouldBe(8, result.ToString());
            result.Stderr.ShouldContain($"shut it off first: virsh -c {Uri} shutdown {domain}");
            Directory.Exists(Path.Combine(work.Path, "out")).ShouldBeFalse();
        }
        finally
        {
            await Core.Internal.ExternalTool.RunUncheckedAsync("virsh", ["-c", Uri, "destroy", domain], cancellationToken: CancellationToken.None);
            await Core.Internal.ExternalTool.RunUncheckedAsync("virsh", ["-c", Uri, "undefine", domain], cancellationToken: CancellationToken.None);
        }
    }
}
