using Shouldly;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>pack --delta-from → install through the CLI (issue 16): a raw and a qcow2 disk, real qemu-img, the real launcher for the kill.</summary>
public class DeltaPackageTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_delta_from_a_package_or_from_the_store_installs_as_the_full_version()
    {
        // Given version 1 installed, and version 2 with new data on its raw and its qcow2 disk
        using var work = new TemporaryFolder();
        var v1 = Appliance(work, "1.0", newData: 0);
        var v2 = Appliance(work, "2.0", newData: 8 << 20);
        var root = Path.Combine(work.Path, "store");
        var full1 = Path.Combine(work.Path, "d-1.vapp");
        var full2 = Path.Combine(work.Path, "d-2.vapp");
        var delta = Path.Combine(work.Path, "d-1-to-2.vapp");
        var fromStore = Path.Combine(work.Path, "d-1-to-2-from-store.vapp");
        (await Cli("pack", v1, "-o", full1)).ExitCode.ShouldBe(0);
        (await Cli("pack", v2, "-o", full2)).ExitCode.ShouldBe(0);
        (await Cli("install", full1, "--root", root, "--allow-unsigned")).ExitCode.ShouldBe(0);

        // When a delta is made from the old package and from the installed version, and installed
        var packed = await Cli("pack", v2, "-o", delta, "--delta-from", full1);
        var packedFromStore = await Cli("pack", v2, "-o", fromStore, "--delta-from", "d@1.0", "--root", root);
        var installed = await Cli("install", delta, "--root", root, "--allow-unsigned");
        var verified = await Cli("verify", "d@2.0", "--root", root);
        var fullAgain = await Cli("install", full2, "--root", root, "--allow-unsigned");

        // Then the disks are byte for byte version 2's, the store checks them, and the full package is already there
        packed.ExitCode.ShouldBe(0, packed.ToString());
        packedFromStore.ExitCode.ShouldBe(0, packedFromStore.ToString());
        installed.ExitCode.ShouldBe(0, installed.ToString());
        verified.ExitCode.ShouldBe(0, verified.ToString());
        fullAgain.ExitCode.ShouldBe(0, fullAgain.ToString());
        fullAgain.Stdout.ShouldContain("already installed");
        var folder = Path.Combine(root, "appliances", "d", "2.0-1");
        foreach (var file in new[] { "system.img", "data.qcow2", "appliance.xml" })
            Tools.Run("cmp", Path.Combine(v2, file), Path.Combine(folder, file));
        // The full package holds the qcow2's 4 MiB of old random data (incompressible), the delta does not
        new FileInfo(delta).Length.ShouldBeLessThan(new FileInfo(full2).Length - (3 << 20));
        new FileInfo(fromStore).Length.ShouldBe(new FileInfo(delta).Length);
    }

    [Fact]
    public async Task A_delta_without_its_base_is_exit_7_and_on_another_base_exit_5()
    {
        // Given a delta from version 1, a store without it, and a store with another build of version 1
        using var work = new TemporaryFolder();
        var v1 = Appliance(work, "1.0", newData: 0);
        var v2 = Appliance(work, "2.0", newData: 1 << 20);
        var full1 = Path.Combine(work.Path, "d-1.vapp");
        var delta = Path.Combine(work.Path, "d-1-to-2.vapp");
        (await Cli("pack", v1, "-o", full1)).ExitCode.ShouldBe(0);
        (await Cli("pack", v2, "-o", delta, "--delta-from", full1)).ExitCode.ShouldBe(0);
        var other = Path.Combine(work.Path, "other");
        Directory.CreateDirectory(other);
        var otherV1 = Appliance(work, "1.0", newData: 0, name: "other-build");
        File.AppendAllText(Path.Combine(otherV1, "system.img"), "x");
        var otherPackage = Path.Combine(work.Path, "other-1.vapp");
        (await Cli("pack", otherV1, "-o", otherPackage)).ExitCode.ShouldBe(0);
        var otherRoot = Path.Combine(work.Path, "other-store");
        (await Cli("install", otherPackage, "--root", otherRoot, "--allow-unsigned")).ExitCode.ShouldBe(0);

        // When
        var missing = await Cli("install", delta, "--root", Path.Combine(work.Path, "empty-store"), "--allow-unsigned");
        var wrong = await Cli("install", delta, "--root", otherRoot, "--allow-unsigned");

        // Then
        missing.ExitCode.ShouldBe(7, missing.ToString());
        missing.Stderr.ShouldContain("d@1.0-1");
        wrong.ExitCode.ShouldBe(5, wrong.ToString());
        wrong.Stderr.ShouldContain("not the version this delta was made from");
        (await Cli("list", "--root", otherRoot)).Stdout.ShouldNotContain("2.0");
    }

    [Fact]
    public async Task A_killed_delta_install_leaves_the_store_as_it_was()
    {
        // Given version 1 installed and a delta to version 2 with 256 MiB of new data (an install of a second or more)
        using var work = new TemporaryFolder();
        var v1 = Appliance(work, "1.0", newData: 0);
        var v2 = Appliance(work, "2.0", newData: 256 << 20);
        var root = Path.Combine(work.Path, "store");
        var full1 = Path.Combine(work.Path, "d-1.vapp");
        var delta = Path.Combine(work.Path, "d-1-to-2.vapp");
        (await Cli("pack", v1, "-o", full1)).ExitCode.ShouldBe(0);
        (await Cli("pack", v2, "-o", delta, "--delta-from", full1)).ExitCode.ShouldBe(0);
        (await Cli("install", full1, "--root", root, "--allow-unsigned")).ExitCode.ShouldBe(0);
        var before = await SnapshotAsync(root);

        // When the real CLI is killed (SIGKILL) while it writes the new system disk into staging
        using var install = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Path.Combine(CliRunner.RepositoryRoot, "virt-appliance"),
            ["install", delta, "--root", root, "--allow-unsigned"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var staging = Path.Combine(root, ".staging");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!Directory.EnumerateFiles(staging, "system.img", SearchOption.AllDirectories).Any() && !install.HasExited && waited.Elapsed < TimeSpan.FromMinutes(2))
            await Task.Delay(5, Ct);
        install.Kill();
        await install.WaitForExitAsync(Ct);
        var gc = await Cli("gc", "--root", root);

        // Then after gc (which removes a dead install's staging) the store is exactly as before, and the delta still installs
        install.ExitCode.ShouldNotBe(0, "the install finished before it was killed: make the new data larger");
        gc.ExitCode.ShouldBe(0, gc.ToString());
        (await SnapshotAsync(root)).ShouldBe(before);
        (await Cli("install", delta, "--root", root, "--allow-unsigned")).ExitCode.ShouldBe(0);
        Tools.Run("cmp", Path.Combine(v2, "system.img"), Path.Combine(root, "appliances", "d", "2.0-1", "system.img"));
    }

    /// <summary>
    /// Appliance d (or <paramref name="name"/>'s folder) VERSION: a 1 GiB sparse raw disk with 16 MiB of text-like data and,
    /// when <paramref name="newData"/> &gt; 0, that many random bytes more at 512 MiB; a qcow2 disk made from 4 MiB of
    /// random data plus, for a new version, 1 MiB more before it (so its clusters move).
    /// </summary>
    private static string Appliance(TemporaryFolder work, string version, int newData, string? name = null)
    {
        var folder = Path.Combine(work.Path, name ?? $"d-{version}");
        Directory.CreateDirectory(folder);
        var random = new Random(1);
        var system = Path.Combine(folder, "system.img");
        using (var disk = new FileStream(system, FileMode.Create, FileAccess.Write))
        {
            disk.SetLength(1L << 30);
            var text = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 400_000).Select(i => $"line {i} of the system disk\n")));
            disk.Position = 1 << 20;
            disk.Write(text, 0, Math.Min(text.Length, 16 << 20));
            if (newData > 0)
            {
                var bytes = new byte[newData];
                new Random(2).NextBytes(bytes);
                disk.Position = 512L << 20;
                disk.Write(bytes);
            }
        }

        var raw = Path.Combine(work.Path, $"{Path.GetFileName(folder)}-data.raw");
        using (var data = new FileStream(raw, FileMode.Create, FileAccess.Write))
        {
            data.SetLength(64 << 20);
            var bytes = new byte[4 << 20];
            random.NextBytes(bytes);
            data.Position = 8 << 20;
            data.Write(bytes);
            if (newData > 0)
            {
                new Random(3).NextBytes(bytes.AsSpan(0, 1 << 20));
                data.Position = 2 << 20;
                data.Write(bytes.AsSpan(0, 1 << 20));
            }
        }

        Tools.Run("qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", raw, Path.Combine(folder, "data.qcow2"));
        File.Delete(raw);
        File.WriteAllText(Path.Combine(folder, "appliance.xml"), $"""
            <image>
              <name version="{version}" release="1">d</name>
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
                <disk id="system" file="system.img" use="system" format="raw"/>
                <disk id="data" file="data.qcow2" use="user" format="qcow2"/>
              </storage>
            </image>
            """);
        return folder;
    }

    /// <summary>The index rows and every file under appliances/ with its digest; staging must be empty.</summary>
    private static async Task<string> SnapshotAsync(string root)
    {
        var lines = new List<string> { (await Cli("list", "--root", root, "--json")).Stdout };
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "appliances"), "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            lines.Add($"{Path.GetRelativePath(root, file)} {Tools.Run("sha256sum", file)[..64]}");
        lines.Add($"staging: {Directory.EnumerateFileSystemEntries(Path.Combine(root, ".staging")).Count()}");
        return string.Join('\n', lines);
    }

    private static Task<CliResult> Cli(params string[] args) => CliRunner.InProcessAsync(args);
}
