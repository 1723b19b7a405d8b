using Shouldly;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>Failures from libvirt and from OpenPGP keys end in a plain message and a "what to do" line, through the CLI.</summary>
public class ErrorHintTests
{
    private const string Uri = "qemu:///system";
    private const string PassphraseVariable = "VIRT_APPLIANCE_KEY_PASSPHRASE";

    [Fact]
    public async Task Trust_add_of_a_secret_key_says_to_give_the_suppliers_public_key()
    {
        // Given a secret key file, as a supplier might send by mistake
        using var gpg = new GnuPg();
        using var work = new TemporaryFolder();

        // When it is trusted
        var result = await CliRunner.InProcessAsync("trust", "add", gpg.SecretKeyPath, "--root", Path.Combine(work.Path, "store"));

        // Then it is refused as invalid input that says what it is and how to get the right one
        result.ExitCode.ShouldBe(3, result.ToString());
        result.Stderr.ShouldContain($"{gpg.SecretKeyPath} is a secret key; give the supplier's PUBLIC key");
        result.Stderr.ShouldContain("what to do: export the public key with 'gpg --armor --export ");
        result.Stderr.ShouldNotContain("BouncyCastle");
        Directory.Exists(Path.Combine(work.Path, "store", "trusted-keys")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_passphrase_protected_signing_key_without_or_with_a_wrong_passphrase_names_the_variable()
    {
        // Given a package and a signing key protected by a passphrase (made by gpg)
        using var work = new TemporaryFolder();
        var home = Path.Combine(work.Path, "gnupg");
        Directory.CreateDirectory(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string Gpg(params string[] args) => Tools.Run("gpg", ["--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", "right horse", .. args]);
        Gpg("--quick-gen-key", "Locked <locked@example.org>", "ed25519", "sign", "never");
        var key = work.Write("locked.asc", Gpg("--armor", "--export-secret-keys", "Locked"));
        var publicKey = work.Write("locked-public.asc", Gpg("--armor", "--export", "Locked"));
        var package = await PackSmallApplianceAsync(work);

        // When it signs with no passphrase, a wrong one, the public key, and the right passphrase
        var none = await CliRunner.InProcessAsync("sign", package, "--key", key);
        var wrong = await CliRunner.LauncherAsync(new Dictionary<string, string> { [PassphraseVariable] = "wrong horse" }, "sign", package, "--key", key);
        var notSecret = await CliRunner.InProcessAsync("sign", package, "--key", publicKey);
        var right = await CliRunner.LauncherAsync(new Dictionary<string, string> { [PassphraseVariable] = "right horse" }, "sign", package, "--key", key);

        // Then each failure says what is wrong and names the variable the passphrase comes from
        none.ExitCode.ShouldBe(3, none.ToString());
        none.Stderr.ShouldContain("the key is protected by a passphrase and none was given");
        none.Stderr.ShouldContain($"what to do: set {PassphraseVariable}");
        wrong.ExitCode.ShouldBe(3, wrong.ToString());
        wrong.Stderr.ShouldContain("the passphrase given does not unlock the key");
        wrong.Stderr.ShouldContain($"what to do: check the passphrase in {PassphraseVariable}");
        notSecret.ExitCode.ShouldBe(3, notSecret.ToString());
        notSecret.Stderr.ShouldContain($"{publicKey} is a public key; signing needs the SECRET key");
        foreach (var failure in new[] { none, wrong, notSecret })
            failure.Stderr.ShouldNotContain("BouncyCastle");
        right.ExitCode.ShouldBe(0, right.ToString());
    }

    [Fact]
    public async Task An_unreachable_libvirtd_asks_whether_it_is_running_and_how_to_start_it()
    {
        var result = await CliRunner.InProcessAsync("check", Path.Combine(CliRunner.RepositoryRoot, "examples", "wiki"),
            "--connect", "qemu+unix:///system?socket=/nonexistent/libvirt-sock");

        result.ExitCode.ShouldBe(6, result.ToString());
        result.Stderr.ShouldContain("what to do: Is libvirtd running? scripts/prereqs.sh starts it");
    }

    [Fact]
    public async Task Deploying_onto_an_inactive_libvirt_network_says_how_to_start_it_or_which_network_to_pass()
    {
        // Given a libvirt network that is defined but not started
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        var network = $"va-off-{Guid.NewGuid():N}"[..14];
        var name = $"va-hint-{Guid.NewGuid():N}"[..16];
        var xml = work.Write("network.xml", $"<network><name>{network}</name><bridge name='{network}'/></network>");
        Tools.Run("virsh", "-c", Uri, "net-define", xml);
        try
        {
            // When an appliance is deployed onto it
            var result = await CliRunner.InProcessAsync("deploy", "tiny@1.0", "--name", name, "--network", $"network={network}",
                "--root", root, "--connect", Uri, "--virt-type", "qemu");

            // Then libvirt's message comes with how to start the network, or the network to pass instead
            result.ExitCode.ShouldBe(6, result.ToString());
            result.Stderr.ShouldContain($"network '{network}' is not active");
            result.Stderr.ShouldContain($"what to do: Start it with 'virsh net-start {network}'");
            result.Stderr.ShouldContain("or deploy with --network user");
        }
        finally
        {
            await CliRunner.InProcessAsync("undeploy", name, "--delete-data", "--root", root);
            Tools.Run("virsh", "-c", Uri, "net-undefine", network);
        }
    }

    [Fact]
    public async Task A_disk_qemu_cannot_reach_says_which_folder_needs_o_plus_x()
    {
        // Given a store inside a folder only its owner may enter (QEMU runs as libvirt-qemu)
        using var work = new TemporaryFolder();
        var root = await TinyAppliances.StoreAsync(work);
        var name = $"va-perm-{Guid.NewGuid():N}"[..16];
        File.SetUnixFileMode(work.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            // When an appliance from it is deployed
            var result = await CliRunner.InProcessAsync("deploy", "tiny@1.0", "--name", name, "--root", root, "--connect", Uri, "--virt-type", "qemu");

            // Then the failure says that QEMU's user needs to get through the folders
            result.ExitCode.ShouldBe(6, result.ToString());
            result.Stderr.ShouldContain("Permission denied");
            result.Stderr.ShouldContain("what to do: QEMU runs as the user libvirt-qemu");
            result.Stderr.ShouldContain("needs o+x");
        }
        finally
        {
            await CliRunner.InProcessAsync("undeploy", name, "--delete-data", "--root", root);
        }
    }

    private static async Task<string> PackSmallApplianceAsync(TemporaryFolder work)
    {
        var folder = Path.Combine(work.Path, "small");
        Directory.CreateDirectory(folder);
        using (var disk = File.Create(Path.Combine(folder, "root.img")))
            disk.SetLength(1024 * 1024);
        File.WriteAllText(Path.Combine(folder, "appliance.xml"), """
            <image>
              <name version="1.0" release="1">small</name>
              <domain>
                <boot type="hvm"><guest><arch>x86_64</arch></guest><os><loader dev="hd"/></os><drive disk="root" target="vda"/></boot>
                <devices><vcpu>1</vcpu><memory unit="MiB">64</memory></devices>
              </domain>
              <storage><disk id="root" file="root.img"/></storage>
            </image>
            """);
        var package = Path.Combine(work.Path, "small.vapp");
        var packed = await CliRunner.InProcessAsync("pack", folder, "-o", package);
        packed.ExitCode.ShouldBe(0, packed.ToString());
        return package;
    }
}
