using System.Text;
using Shouldly;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Packaging;
using VirtAppliance.Core.Services;
using VirtAppliance.Core.Store;
using VirtAppliance.Core.Tests.Store;
using Xunit;

namespace VirtAppliance.Core.Tests.Packaging;

/// <summary>Delta packages (issue 16): only what changed since a base version; installing one gives exactly the full version.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class DeltaPackageTests
{
    private static readonly InstallOptions Unsigned = new() { AllowUnsigned = true };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Version 2 of the test appliance: new data in the raw disk, a qcow2 disk made again with more data, bytes inserted at the kernel's start.</summary>
    private static string CreateVersion2(TestFolder folder, string name = "tiny")
    {
        var dir = TestAppliance.Create(folder, name, "2.0", "1");
        File.WriteAllText(Path.Combine(dir, "appliance.xml"), $"""
            <image>
              <name version="2.0" release="1">{name}</name>
              <domain>
                <boot type="hvm">
                  <guest><arch>x86_64</arch></guest>
                  <os><loader dev="hd"/></os>
                  <drive disk="system" target="hda"/>
                  <drive disk="data" target="hdb"/>
                  <drive disk="kernel" target="hdc"/>
                </boot>
                <devices><vcpu>1</vcpu><memory>262144</memory></devices>
              </domain>
              <storage>
                <disk id="system" file="system.img" format="raw"/>
                <disk id="data" file="disks/data.qcow2" format="qcow2" use="user"/>
                <disk id="kernel" file="vmlinuz" format="raw" use="scratch"/>
              </storage>
            </image>
            """);
        var random = new Random(7);
        using (var system = new FileStream(Path.Combine(dir, "system.img"), FileMode.Open, FileAccess.Write))
        {
            var bytes = new byte[64 << 10];
            random.NextBytes(bytes);
            system.Position = 20L << 20;
            system.Write(bytes);
            system.Position = (10L << 20) + 4000;
            system.Write(Encoding.ASCII.GetBytes("a changed line\n"));
        }

        var dataRaw = folder[$"data-{name}-2.raw"];
        Tools.Run("qemu-img", "convert", "-q", "-f", "qcow2", "-O", "raw", Path.Combine(dir, "disks", "data.qcow2"), dataRaw);
        using (var data = new FileStream(dataRaw, FileMode.Open, FileAccess.Write))
        {
            var bytes = new byte[256 << 10];
            random.NextBytes(bytes);
            data.Position = 512 << 10; // before the old data: qcow2 clusters after it move
            data.Write(bytes);
        }

        File.Delete(Path.Combine(dir, "disks", "data.qcow2"));
        Tools.Run("qemu-img", "convert", "-q", "-f", "raw", "-O", "qcow2", dataRaw, Path.Combine(dir, "disks", "data.qcow2"));
        var kernel = Path.Combine(dir, "vmlinuz");
        var inserted = new byte[100];
        random.NextBytes(inserted);
        File.WriteAllBytes(kernel, [.. inserted, .. File.ReadAllBytes(kernel)]);
        return dir;
    }

    private static async Task<(string Full1, string Full2, string Delta, string Source2)> PackVersionsAsync(TestFolder folder)
    {
        var full1 = await TestAppliance.PackAsync(folder);
        var source2 = CreateVersion2(folder);
        var full2 = folder["tiny-2.0-1.vapp"];
        var service = new PackageService(new ApplianceStore(folder["unused-root"]), TimeProvider.System);
        await service.PackAsync(source2, full2, null, null, null, PackageCompression.Default, null, Ct);
        var delta = folder["tiny-1.0-to-2.0.vapp"];
        await service.PackAsync(source2, delta, null, null, full1, PackageCompression.Default, null, Ct);
        return (full1, full2, delta, source2);
    }

    [Fact]
    public async Task A_delta_installs_as_byte_identical_disks_with_the_full_packages_content_digests()
    {
        // Given
        using var folder = new TestFolder();
        var (full1, full2, delta, source2) = await PackVersionsAsync(folder);
        var store = new ApplianceStore(folder["root"]);
        await store.InstallAsync(full1, Unsigned, null, Ct);

        // When
        var installed = (await store.InstallAsync(delta, Unsigned, null, Ct)).Appliance;

        // Then
        installed.Id.ShouldBe("tiny@2.0-1");
        foreach (var file in TestAppliance.Files.Select(f => f.RelativePath).Append("appliance.xml"))
            Tools.Sha256(Path.Combine(installed.Path, file)).ShouldBe(Tools.Sha256(Path.Combine(source2, file)), file);
        var fullManifest = (await PackageVerifier.VerifyAsync(full2, null, false, null, Ct)).Header.Manifest;
        var deltaManifest = await store.VerifyAsync(installed, null, Ct);
        deltaManifest.Files.Select(f => (f.Path, f.Size, f.ContentDigest)).ShouldBe(fullManifest.Files.Select(f => (f.Path, f.Size, f.ContentDigest)));
        deltaManifest.Base.ShouldNotBeNull().Id.ShouldBe("tiny@1.0-1");
        Tools.AllocatedBytes(Path.Combine(installed.Path, "system.img")).ShouldBeLessThan(8 << 20); // still sparse, of 64 MiB
        // The system disk's delta holds its 64 KiB of new random data and the chunk with the changed line; the
        // qcow2's, its 256 KiB of new random data and changed metadata; the kernel's, the chunk with the insertion.
        var sizes = (await PackageVerifier.VerifyAsync(delta, null, false, null, Ct)).Manifest.Files.ToDictionary(f => f.Path, f => f.StoredSize);
        sizes["system.img"].ShouldBeLessThan((64 << 10) + (80 << 10));
        sizes["disks/data.qcow2"].ShouldBeLessThan((256 << 10) + (80 << 10));
        sizes["vmlinuz"].ShouldBeLessThan(fullManifest.Files.Single(f => f.Path == "vmlinuz").StoredSize);
        new FileInfo(delta).Length.ShouldBeLessThan(new FileInfo(full2).Length, string.Join(", ", (await PackageVerifier.VerifyAsync(delta, null, false, null, Ct)).Manifest.Files.Select(f => $"{f.Path} {f.StoredSize}")) + $" full {string.Join(", ", fullManifest.Files.Select(f => $"{f.Path} {f.StoredSize}"))}");
    }

    [Fact]
    public async Task Bytes_inserted_into_a_file_do_not_make_the_rest_new_data()
    {
        // Given: 4 MiB of random bytes (they do not compress), and the same with 100 bytes inserted at 1 MiB
        using var folder = new TestFolder();
        var random = new Random(3);
        var old = new byte[4 << 20];
        random.NextBytes(old);
        var inserted = new byte[100];
        random.NextBytes(inserted);
        File.WriteAllBytes(folder["old"], old);
        File.WriteAllBytes(folder["new"], [.. old.AsSpan(0, 1 << 20), .. inserted, .. old.AsSpan(1 << 20)]);

        // When
        using var stream = new MemoryStream();
        await new DeltaZstdEncoder(3, 2).EncodeAsync(folder["new"], folder["old"], stream, null, Ct);

        // Then: the chunks around the insertion are new, the rest are copies (a shifted copy would store 3 MiB)
        stream.Length.ShouldBeLessThan(256 << 10);
    }

    [Fact]
    public async Task A_delta_needs_its_base_installed()
    {
        // Given
        using var folder = new TestFolder();
        var (_, _, delta, _) = await PackVersionsAsync(folder);
        var store = new ApplianceStore(folder["root"]);

        // When
        var error = await Should.ThrowAsync<NotFoundException>(() => store.InstallAsync(delta, Unsigned, null, Ct));

        // Then
        error.Message.ShouldContain("tiny@1.0-1");
        error.Hint.ShouldNotBeNull().ShouldContain("install tiny@1.0-1 first");
        (await store.ListAsync(Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_delta_on_another_base_of_the_same_version_is_refused()
    {
        // Given: tiny 1.0-1 installed, but not the package the delta was made from (another kernel)
        using var folder = new TestFolder();
        var (_, _, delta, _) = await PackVersionsAsync(folder);
        using var other = new TestFolder();
        var otherSource = TestAppliance.Create(other);
        File.WriteAllBytes(Path.Combine(otherSource, "vmlinuz"), new byte[1000]);
        var otherPackage = other["other.vapp"];
        await PackageWriter.CreateAsync(otherSource, TestAppliance.Files, otherPackage, null, null, Ct);
        var store = new ApplianceStore(folder["root"]);
        await store.InstallAsync(otherPackage, Unsigned, null, Ct);
        var before = await StoreSnapshot.TakeAsync(folder["root"]);

        // When
        var error = await Should.ThrowAsync<IntegrityException>(() => store.InstallAsync(delta, Unsigned, null, Ct));

        // Then
        error.Message.ShouldContain("not the version this delta was made from");
        error.Message.ShouldContain("vmlinuz");
        (await StoreSnapshot.TakeAsync(folder["root"])).ShouldBe(before);
    }

    [Fact]
    public async Task A_delta_on_a_damaged_base_is_refused()
    {
        // Given
        using var folder = new TestFolder();
        var (full1, _, delta, _) = await PackVersionsAsync(folder);
        var store = new ApplianceStore(folder["root"]);
        var base1 = (await store.InstallAsync(full1, Unsigned, null, Ct)).Appliance;
        var disk = Path.Combine(base1.Path, "system.img");
        File.SetUnixFileMode(disk, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using (var stream = new FileStream(disk, FileMode.Open, FileAccess.Write))
        {
            stream.Position = 5L << 20;
            stream.WriteByte(0x55);
        }

        // When
        var error = await Should.ThrowAsync<IntegrityException>(() => store.InstallAsync(delta, Unsigned, null, Ct));

        // Then
        error.Message.ShouldContain("damaged");
        (await store.ListAsync(Ct)).Select(a => a.Id).ShouldBe(["tiny@1.0-1"]);
    }

    [Theory]
    [InlineData("writing system.img at")]
    [InlineData("writing disks/data.qcow2")]
    [InlineData("sealed")]
    public async Task An_interrupted_delta_install_leaves_the_store_as_it_was(string step)
    {
        // Given
        using var folder = new TestFolder();
        var (full1, _, delta, _) = await PackVersionsAsync(folder);
        var store = new ApplianceStore(folder["root"]);
        await store.InstallAsync(full1, Unsigned, null, Ct);
        var before = await StoreSnapshot.TakeAsync(folder["root"]);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var options = new InstallOptions { AllowUnsigned = true, StepHook = at => { if (at.StartsWith(step, StringComparison.Ordinal)) cancel.Cancel(); } };

        // When
        await Should.ThrowAsync<OperationCanceledException>(() => store.InstallAsync(delta, options, null, cancel.Token));

        // Then
        (await StoreSnapshot.TakeAsync(folder["root"])).ShouldBe(before);
        (await store.InstallAsync(delta, Unsigned, null, Ct)).AlreadyInstalled.ShouldBeFalse();
    }

    [Fact]
    public async Task The_full_package_of_a_version_installed_from_a_delta_is_already_installed()
    {
        // Given
        using var folder = new TestFolder();
        var (full1, full2, delta, _) = await PackVersionsAsync(folder);
        var store = new ApplianceStore(folder["root"]);
        await store.InstallAsync(full1, Unsigned, null, Ct);
        await store.InstallAsync(delta, Unsigned, null, Ct);

        // When
        var again = await store.InstallAsync(full2, Unsigned, null, Ct);

        // Then
        again.AlreadyInstalled.ShouldBeTrue();
    }

    [Fact]
    public async Task A_delta_verifies_without_its_base_and_a_damaged_one_does_not()
    {
        // Given
        using var folder = new TestFolder();
        var (_, _, delta, _) = await PackVersionsAsync(folder);
        await PackageVerifier.VerifyAsync(delta, null, false, null, Ct);
        var items = TarEntries.Read(delta);
        var disk = items.Single(i => i.Name == "system.img.vadz");
        disk.Data[^100] ^= 0xff; // in the last record's stored bytes
        var damaged = folder["damaged.vapp"];
        TarEntries.Write(damaged, items);

        // When
        var error = await Should.ThrowAsync<IntegrityException>(() => PackageVerifier.VerifyAsync(damaged, null, false, null, Ct));

        // Then
        error.Message.ShouldContain("system.img.vadz");
    }

    [Fact]
    public void A_manifest_of_a_newer_format_says_so()
    {
        // Given
        var bytes = Encoding.UTF8.GetBytes("""{ "format": "virt-appliance-package", "formatVersion": 4, "files": [] }""");

        // When
        var error = Should.Throw<InvalidDataException>(() => Manifest.Parse(bytes));

        // Then
        error.Message.ShouldContain("made by a newer virt-appliance");
    }

    [Fact]
    public void A_format_version_3_manifest_with_a_base_is_refused()
    {
        // Given: format 3 is a full package (64 MiB records); only format 2 names a base
        var bytes = Encoding.UTF8.GetBytes("""
            { "format": "virt-appliance-package", "formatVersion": 3,
              "base": { "name": "a", "version": "1", "release": "1", "packageDigest": "0000000000000000000000000000000000000000000000000000000000000000" },
              "files": [] }
            """);

        // When
        var error = Should.Throw<InvalidDataException>(() => Manifest.Parse(bytes));

        // Then
        error.Message.ShouldContain("'base' belongs to delta packages");
    }

    [Fact]
    public async Task A_delta_is_not_made_from_a_delta()
    {
        // Given
        using var folder = new TestFolder();
        var (_, _, delta, source2) = await PackVersionsAsync(folder);

        // When
        var error = await Should.ThrowAsync<InvalidInputException>(() =>
            new PackageService(new ApplianceStore(folder["unused-root"]), TimeProvider.System).PackAsync(source2, folder["x.vapp"], null, null, delta, PackageCompression.Default, null, Ct));

        // Then
        error.Message.ShouldContain("a delta package");
    }
}
