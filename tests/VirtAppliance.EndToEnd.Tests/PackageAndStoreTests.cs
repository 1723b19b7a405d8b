using System.Formats.Tar;
using System.Text.Json;
using Shouldly;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>pack → sign → verify → trust → install → list → remove, through the CLI, with real gpg and real qemu-img disks.</summary>
public class PackageAndStoreTests
{
    [Fact]
    public async Task A_signed_package_installs_and_gpg_accepts_its_signature()
    {
        // Given an appliance folder with real disks and a supplier key
        using var work = new TemporaryFolder();
        var appliance = SmallAppliance(work, "acme", "1.0");
        using var gpg = new GnuPg();
        var package = Path.Combine(work.Path, "acme.vapp");
        var root = Path.Combine(work.Path, "store");

        // When it is packed and signed, then checked by a store that trusts the key
        (await Cli("pack", appliance, "-o", package, "--sign-key", gpg.SecretKeyPath)).ExitCode.ShouldBe(0);
        var untrusted = await Cli("verify", package, "--root", root);
        (await Cli("trust", "add", gpg.PublicKeyPath, "--root", root)).ExitCode.ShouldBe(0);
        var verified = await Cli("verify", package, "--root", root, "--json");
        var installed = await Cli("install", package, "--root", root);
        var list = await Cli("list", "--root", root, "--json");

        // Then an untrusted signature is refused, a trusted one accepted, and the appliance is in the store
        untrusted.ExitCode.ShouldBe(5, untrusted.ToString());
        untrusted.Stderr.ShouldContain("not trusted");
        verified.ExitCode.ShouldBe(0, verified.ToString());
        JsonDocument.Parse(verified.Stdout).RootElement.GetProperty("signature").GetProperty("status").GetString().ShouldBe("trusted");
        installed.ExitCode.ShouldBe(0, installed.ToString());
        var entry = JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray().Single();
        entry.GetProperty("name").GetString().ShouldBe("acme");
        entry.GetProperty("signer_user_id").GetString().ShouldBe(gpg.UserId);

        // And plain gpg verifies the signature over the manifest
        var extracted = Path.Combine(work.Path, "extracted");
        Directory.CreateDirectory(extracted);
        await TarFile.ExtractToDirectoryAsync(package, extracted, overwriteFiles: false, TestContext.Current.CancellationToken);
        gpg.Run("--verify", Path.Combine(extracted, "manifest.json.asc"), Path.Combine(extracted, "manifest.json"));
    }

    [Fact]
    public async Task An_unsigned_package_needs_allow_unsigned_and_a_flipped_byte_is_an_integrity_failure()
    {
        using var work = new TemporaryFolder();
        var appliance = SmallAppliance(work, "plain", "2.0");
        var package = Path.Combine(work.Path, "plain.vapp");
        var root = Path.Combine(work.Path, "store");
        (await Cli("pack", appliance, "-o", package)).ExitCode.ShouldBe(0);

        var refused = await Cli("install", package, "--root", root);
        var accepted = await Cli("install", package, "--root", root, "--allow-unsigned");
        var again = await Cli("install", package, "--root", root, "--allow-unsigned");

        refused.ExitCode.ShouldBe(5, refused.ToString());
        refused.Stderr.ShouldContain("not signed");
        accepted.ExitCode.ShouldBe(0, accepted.ToString());
        again.ExitCode.ShouldBe(0);
        again.Stdout.ShouldContain("already installed");

        // Given the same package with one byte of the last payload flipped
        var corrupt = Path.Combine(work.Path, "corrupt.vapp");
        File.Copy(package, corrupt);
        FlipByteInEntry(corrupt, "system.qcow2.vasz");
        var broken = await Cli("verify", corrupt, "--allow-unsigned");
        broken.ExitCode.ShouldBe(5, broken.ToString());
    }

    [Fact]
    public async Task Remove_takes_an_appliance_out_of_the_store_and_a_missing_one_is_exit_code_7()
    {
        using var work = new TemporaryFolder();
        var appliance = SmallAppliance(work, "gone", "1.0");
        var package = Path.Combine(work.Path, "gone.vapp");
        var root = Path.Combine(work.Path, "store");
        (await Cli("pack", appliance, "-o", package)).ExitCode.ShouldBe(0);
        (await Cli("install", package, "--root", root, "--allow-unsigned")).ExitCode.ShouldBe(0);

        var removed = await Cli("remove", "gone@1.0", "--root", root);
        var missing = await Cli("remove", "gone@1.0", "--root", root);
        var list = await Cli("list", "--root", root, "--json");

        removed.ExitCode.ShouldBe(0, removed.ToString());
        missing.ExitCode.ShouldBe(7, missing.ToString());
        JsonDocument.Parse(list.Stdout).RootElement.GetArrayLength().ShouldBe(0);
        Directory.Exists(Path.Combine(root, "appliances", "gone", "1.0-1")).ShouldBeFalse();
    }

    [Fact]
    public async Task Verify_of_an_installed_appliance_passes_until_a_file_is_changed_then_names_it_with_exit_code_5()
    {
        // Given an installed appliance
        using var work = new TemporaryFolder();
        var appliance = SmallAppliance(work, "kept", "1.0");
        var package = Path.Combine(work.Path, "kept.vapp");
        var root = Path.Combine(work.Path, "store");
        (await Cli("pack", appliance, "-o", package)).ExitCode.ShouldBe(0);
        (await Cli("install", package, "--root", root, "--allow-unsigned")).ExitCode.ShouldBe(0);

        // When it is checked, then one of its disks is changed and it is checked again
        var intact = await Cli("verify", "kept@1.0", "--root", root, "--json");
        var disk = Directory.EnumerateFiles(Path.Combine(root, "appliances", "kept", "1.0-1"), "*.qcow2", SearchOption.AllDirectories).First();
        File.SetUnixFileMode(disk, (UnixFileMode)0b110_100_100);
        using (var stream = new FileStream(disk, FileMode.Open, FileAccess.Write))
        {
            stream.Position = 200;
            stream.WriteByte(0x5a);
        }

        var changed = await Cli("verify", "kept", "--root", root);
        var unknown = await Cli("verify", "nothing-here", "--root", root);

        // Then
        intact.ExitCode.ShouldBe(0, intact.ToString());
        JsonDocument.Parse(intact.Stdout).RootElement.EnumerateArray().Single().GetProperty("appliance").GetString().ShouldBe("kept@1.0-1");
        changed.ExitCode.ShouldBe(5, changed.ToString());
        changed.Stderr.ShouldContain($"{Path.GetFileName(disk)} changed since it was installed");
        unknown.ExitCode.ShouldBe(7, unknown.ToString());
    }

    [Fact]
    public async Task Pack_refuses_an_appliance_whose_disks_are_missing_with_exit_code_3()
    {
        var result = await Cli("pack", Path.Combine(CliRunner.RepositoryRoot, "examples", "wiki"), "-o", "/var/tmp/never.vapp");

        result.ExitCode.ShouldBe(3, result.ToString());
        result.Stderr.ShouldContain("wiki-system.qcow2' does not exist");
        File.Exists("/var/tmp/never.vapp").ShouldBeFalse();
    }

    /// <summary>Flips one byte in the middle of an entry's data, where the tar format itself will not notice.</summary>
    private static void FlipByteInEntry(string package, string entryName)
    {
        using var stream = new FileStream(package, FileMode.Open, FileAccess.ReadWrite);
        long offset = -1, length = 0;
        using (var tar = new TarReader(stream, leaveOpen: true))
        {
            while (tar.GetNextEntry(copyData: false) is { } entry)
            {
                if (entry.Name == entryName)
                {
                    offset = stream.Position;
                    length = entry.Length;
                    break;
                }
            }
        }
        offset.ShouldBeGreaterThan(0, $"no entry {entryName} in {package}");
        stream.Position = offset + (length / 2);
        var value = stream.ReadByte();
        stream.Position -= 1;
        stream.WriteByte((byte)(value ^ 0x5a));
    }

    [Fact]
    public async Task Pack_writes_format_3_by_default_and_format_1_on_request_and_both_install_the_same_disks()
    {
        // Given an appliance whose user disk holds 30 MiB of text in a row: one record of 64 MiB records, two of 16 MiB
        using var work = new TemporaryFolder();
        var appliance = SmallAppliance(work, "formats", "1.0");
        using (var system = new FileStream(Path.Combine(appliance, "data.img"), FileMode.Open, FileAccess.Write))
        {
            var text = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 1_400_000).Select(i => $"line {i} of a long log\n")));
            system.Position = 1 << 20;
            system.Write(text, 0, 30 << 20);
        }

        var current = Path.Combine(work.Path, "current.vapp");
        var compatible = Path.Combine(work.Path, "compatible.vapp");

        // When
        var packed = await Cli("pack", appliance, "-o", current, "--json");
        var packedCompatible = await Cli("pack", appliance, "-o", compatible, "--format-version", "1", "--json");
        var unknown = await Cli("pack", appliance, "-o", Path.Combine(work.Path, "x.vapp"), "--format-version", "2");
        var withDelta = await Cli("pack", appliance, "-o", Path.Combine(work.Path, "y.vapp"), "--format-version", "1", "--delta-from", compatible);
        var verifiedCompatible = await Cli("verify", compatible, "--allow-unsigned", "--json");
        var installedCurrent = await Cli("install", current, "--root", Path.Combine(work.Path, "a"), "--allow-unsigned");
        var installedCompatible = await Cli("install", compatible, "--root", Path.Combine(work.Path, "b"), "--allow-unsigned");

        // Then both restore the same bytes (which is smaller is measured by bench/run.sh on a real disk); a delta is format 2 only
        packed.ExitCode.ShouldBe(0, packed.ToString());
        packedCompatible.ExitCode.ShouldBe(0, packedCompatible.ToString());
        JsonDocument.Parse(packed.Stdout).RootElement.GetProperty("format_version").GetInt32().ShouldBe(3);
        JsonDocument.Parse(packedCompatible.Stdout).RootElement.GetProperty("format_version").GetInt32().ShouldBe(1);
        JsonDocument.Parse(verifiedCompatible.Stdout).RootElement.GetProperty("format_version").GetInt32().ShouldBe(1);
        unknown.ExitCode.ShouldBe(2, unknown.ToString());
        withDelta.ExitCode.ShouldBe(2, withDelta.ToString());
        withDelta.Stderr.ShouldContain("a delta package is always format 2");
        installedCurrent.ExitCode.ShouldBe(0, installedCurrent.ToString());
        installedCompatible.ExitCode.ShouldBe(0, installedCompatible.ToString());
        foreach (var disk in new[] { "system.qcow2", "data.img" })
        {
            var original = Tools.Run("sha256sum", Path.Combine(appliance, disk))[..64];
            Tools.Run("sha256sum", Path.Combine(work.Path, "a", "appliances", "formats", "1.0-1", disk))[..64].ShouldBe(original);
            Tools.Run("sha256sum", Path.Combine(work.Path, "b", "appliances", "formats", "1.0-1", disk))[..64].ShouldBe(original);
        }
    }

    [Theory]
    [InlineData("tiny")]
    [InlineData("tiny@1.0-1/../x")]
    [InlineData(".hidden@1.0-1")]
    public async Task Adopt_of_something_that_is_not_NAME_at_VERSION_RELEASE_is_exit_3_with_an_example(string reference)
    {
        // Given an empty store
        using var work = new TemporaryFolder();

        // When
        var result = await Cli("adopt", reference, "--root", Path.Combine(work.Path, "store"));

        // Then
        result.ExitCode.ShouldBe(3, result.ToString());
        result.Stderr.ShouldContain("adopt needs NAME@VERSION-RELEASE");
        result.Stderr.ShouldContain("virt-appliance adopt tiny@1.0-1");
    }

    private static Task<CliResult> Cli(params string[] args) => CliRunner.InProcessAsync(args);

    /// <summary>A descriptor with a qcow2 system disk (made by qemu-img) and a sparse raw user disk.</summary>
    private static string SmallAppliance(TemporaryFolder work, string name, string version)
    {
        var folder = Path.Combine(work.Path, name);
        Directory.CreateDirectory(folder);
        RunQemuImg("create", "-q", "-f", "qcow2", Path.Combine(folder, "system.qcow2"), "16M");
        using (var data = File.Create(Path.Combine(folder, "data.img")))
        {
            data.SetLength(32 * 1024 * 1024);
            data.Write("customer data"u8);
        }
        File.WriteAllText(Path.Combine(folder, "appliance.xml"), $"""
            <image>
              <name version="{version}" release="1">{name}</name>
              <domain>
                <boot type="hvm">
                  <guest><arch>x86_64</arch><features><acpi/></features></guest>
                  <os><loader dev="hd"/></os>
                  <drive disk="system" target="vda"/>
                  <drive disk="data" target="vdb"/>
                </boot>
                <devices><vcpu>1</vcpu><memory unit="MiB">128</memory></devices>
              </domain>
              <storage>
                <disk id="system" file="system.qcow2" use="system" format="qcow2"/>
                <disk id="data" file="data.img" use="user" format="raw"/>
              </storage>
            </image>
            """);
        return folder;
    }

    private static void RunQemuImg(params string[] args) => Tools.Run("qemu-img", args);
}
