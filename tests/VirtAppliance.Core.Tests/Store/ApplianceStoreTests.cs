using Shouldly;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Packaging;
using VirtAppliance.Core.Store;
using VirtAppliance.Core.Tests.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Store;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class ApplianceStoreTests(GpgKeys gpg) : IClassFixture<GpgKeys>
{
    private static readonly InstallOptions Unsigned = new() { AllowUnsigned = true };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Install_of_a_signed_package_makes_a_read_only_sparse_copy_and_records_it()
    {
        // Given
        using var folder = new TestFolder();
        var signer = PackageSigner.FromArmoredSecretKey(gpg.Ed25519.SecretKey, null);
        var package = await TestAppliance.PackAsync(folder, signer: signer);
        var at = new DateTimeOffset(2026, 11, 24, 6, 0, 0, TimeSpan.Zero);
        var store = new ApplianceStore(folder["root"], new FixedTimeProvider(at));
        await store.TrustStore.AddAsync(gpg.Ed25519.PublicKey, Ct);

        // When
        var result = await store.InstallAsync(package, new InstallOptions { VerifyContent = true }, null, Ct);

        // Then
        var installed = result.Appliance;
        installed.Id.ShouldBe("tiny@1.0-1");
        installed.Path.ShouldBe(folder["root/appliances/tiny/1.0-1"]);
        installed.SignerFingerprint.ShouldBe(gpg.Ed25519.Fingerprint);
        installed.SignerUserId.ShouldBe(gpg.Ed25519.UserId);
        installed.InstalledAt.ShouldBe(at);
        (await store.ListAsync(Ct)).ShouldBe([installed]);

        var source = Path.Combine(folder.Path, "src-tiny-1.0-1");
        foreach (var file in TestAppliance.Files.Select(f => f.RelativePath).Append("appliance.xml"))
        {
            var path = Path.Combine(installed.Path, file);
            Tools.Sha256(path).ShouldBe(Tools.Sha256(Path.Combine(source, file)));
            File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        File.GetUnixFileMode(Path.Combine(installed.Path, "disks")).ShouldBe((UnixFileMode)0b111_101_101);
        Tools.AllocatedBytes(Path.Combine(installed.Path, "system.img")).ShouldBeLessThan(4 << 20); // of 64 MiB
        installed.SizeOnDisk.ShouldBeLessThan(4 << 20);
        Directory.EnumerateFileSystemEntries(folder["root/.staging"]).ShouldBeEmpty();
    }

    [Fact]
    public async Task Libvirt_qemu_user_can_read_an_installed_disk()
    {
        // Given
        using var folder = new TestFolder();
        var store = new ApplianceStore(folder["root"]);
        var installed = (await store.InstallAsync(await TestAppliance.PackAsync(folder), Unsigned, null, Ct)).Appliance;

        // When
        var result = Tools.TryRun("runuser", null, "-u", "libvirt-qemu", "--", "qemu-img", "info", Path.Combine(installed.Path, "disks/data.qcow2"));

        // Then
        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldContain("file format: qcow2");
    }

    [Fact]
    public async Task Install_refuses_an_unsigned_package_unless_allowed()
    {
        // Given
        using var folder = new TestFolder();
        var package = await TestAppliance.PackAsync(folder);
        var store = new ApplianceStore(folder["root"]);

        // When
        var error = await Should.ThrowAsync<IntegrityException>(() => store.InstallAsync(package, null, null, Ct));

        // Then
        error.Message.ShouldContain("not signed");
        (await store.ListAsync(Ct)).ShouldBeEmpty();
        (await store.InstallAsync(package, Unsigned, null, Ct)).Appliance.SignerFingerprint.ShouldBeNull();
    }

    [Fact]
    public async Task Install_refuses_a_package_signed_by_an_untrusted_key_even_when_unsigned_ones_are_allowed()
    {
        // Given
        using var folder = new TestFolder();
        var package = await TestAppliance.PackAsync(folder, signer: PackageSigner.FromArmoredSecretKey(gpg.Stranger.SecretKey, null));
        var store = new ApplianceStore(folder["root"]);
        await store.TrustStore.AddAsync(gpg.Rsa.PublicKey, Ct);
        var before = await StoreSnapshot.TakeAsync(store.Root);

        // When
        var error = await Should.ThrowAsync<IntegrityException>(() => store.InstallAsync(package, Unsigned, null, Ct));

        // Then
        error.Message.ShouldContain("not trusted");
        error.Hint!.ShouldContain("trust");
        (await StoreSnapshot.TakeAsync(store.Root)).ShouldBe(before);
    }

    public static TheoryData<string> BadCases => new(BadPackages.Names);

    [Theory]
    [MemberData(nameof(BadCases))]
    public async Task Install_of_a_broken_package_leaves_the_store_unchanged(string brokenHow)
    {
        // Given: a store that already holds another appliance
        using var folder = new TestFolder();
        var store = new ApplianceStore(folder["root"]);
        await store.InstallAsync(await TestAppliance.PackAsync(folder, "other"), Unsigned, null, Ct);
        var bad = BadPackages.Make(await TestAppliance.PackAsync(folder), brokenHow, folder["bad.vapp"]);
        var before = await StoreSnapshot.TakeAsync(store.Root);

        // When
        var error = await Should.ThrowAsync<VirtApplianceException>(() => store.InstallAsync(bad, Unsigned, null, Ct));

        // Then
        error.ShouldBeOfType(BadPackages.ExpectedException(brokenHow), error.Message);
        (await StoreSnapshot.TakeAsync(store.Root)).ShouldBe(before);
    }

    [Fact]
    public async Task Installing_the_identical_package_again_changes_nothing()
    {
        // Given
        using var folder = new TestFolder();
        var package = await TestAppliance.PackAsync(folder);
        var store = new ApplianceStore(folder["root"]);
        var first = await store.InstallAsync(package, Unsigned, null, Ct);
        var before = await StoreSnapshot.TakeAsync(store.Root);

        // When
        var second = await store.InstallAsync(package, Unsigned, null, Ct);

        // Then
        second.AlreadyInstalled.ShouldBeTrue();
        second.Appliance.ShouldBe(first.Appliance);
        (await StoreSnapshot.TakeAsync(store.Root)).ShouldBe(before);
    }

    [Fact]
    public async Task Installing_a_different_package_under_the_same_version_is_a_conflict()
    {
        // Given
        using var folder = new TestFolder();
        var store = new ApplianceStore(folder["root"]);
        await store.InstallAsync(await TestAppliance.PackAsync(folder), Unsigned, null, Ct);
        var before = await StoreSnapshot.TakeAsync(store.Root);
        using var other = new TestFolder();
        var dir = TestAppliance.Create(other);
        File.AppendAllText(Path.Combine(dir, "appliance.xml"), "<!-- changed -->");
        await PackageWriter.CreateAsync(dir, TestAppliance.Files, other["changed.vapp"], null, null, Ct);

        // When
        var error = await Should.ThrowAsync<ConflictException>(() => store.InstallAsync(other["changed.vapp"], Unsigned, null, Ct));

        // Then
        error.Message.ShouldContain("tiny@1.0-1");
        (await StoreSnapshot.TakeAsync(store.Root)).ShouldBe(before);
    }

    [Fact]
    public async Task Several_versions_live_side_by_side_and_remove_takes_the_one_named()
    {
        // Given
        using var folder = new TestFolder();
        var store = new ApplianceStore(folder["root"]);
        await store.InstallAsync(await TestAppliance.PackAsync(folder, version: "1.0"), Unsigned, null, Ct);
        await store.InstallAsync(await TestAppliance.PackAsync(folder, version: "2.0"), Unsigned, null, Ct);

        // When
        var ambiguous = await Should.ThrowAsync<ConflictException>(() => store.RemoveAsync("tiny", Ct));
        var removed = await store.RemoveAsync("tiny@1.0", Ct);

        // Then
        ambiguous.Message.ShouldContain("tiny@2.0-1");
        removed.Id.ShouldBe("tiny@1.0-1");
        Directory.Exists(removed.Path).ShouldBeFalse();
        (await store.ListAsync(Ct)).Select(a => a.Id).ShouldBe(["tiny@2.0-1"]);
    }

    [Fact]
    public async Task Remove_refuses_an_appliance_that_VMs_run_or_keep_as_rollback_target()
    {
        // Given: web1 and web2 run 1.0; web3 runs 2.0 and would roll back to 1.0
        using var folder = new TestFolder();
        var store = new ApplianceStore(folder["root"]);
        var v1 = (await store.InstallAsync(await TestAppliance.PackAsync(folder, version: "1.0"), Unsigned, null, Ct)).Appliance;
        var v2 = (await store.InstallAsync(await TestAppliance.PackAsync(folder, version: "2.0"), Unsigned, null, Ct)).Appliance;
        using (var index = await store.OpenIndexAsync(Ct))
        {
            await index.SaveInstanceAsync(Instance("web1", v1), Ct);
            await index.SaveInstanceAsync(Instance("web2", v1), Ct);
            await index.SaveInstanceAsync(Instance("web3", v2) with { Previous = new InstancePrevious(v1.Version, v1.Release, v1.PackageSha256, [], "<domain/>") }, Ct);
        }
        var before = await StoreSnapshot.TakeAsync(store.Root);

        // When
        var error = await Should.ThrowAsync<ConflictException>(() => store.RemoveAsync("tiny@1.0", Ct));

        // Then
        error.Message.ShouldContain("web1, web2 run it");
        error.Message.ShouldContain("web3 keeps it as its rollback target");
        (await StoreSnapshot.TakeAsync(store.Root)).ShouldBe(before);
    }

    [Fact]
    public async Task Remove_of_a_rollback_target_only_says_how_to_release_it()
    {
        // Given
        using var folder = new TestFolder();
        var store = new ApplianceStore(folder["root"]);
        var v1 = (await store.InstallAsync(await TestAppliance.PackAsync(folder, version: "1.0"), Unsigned, null, Ct)).Appliance;
        var v2 = (await store.InstallAsync(await TestAppliance.PackAsync(folder, version: "2.0"), Unsigned, null, Ct)).Appliance;
        using (var index = await store.OpenIndexAsync(Ct))
            await index.SaveInstanceAsync(Instance("web3", v2) with { Previous = new InstancePrevious(v1.Version, v1.Release, v1.PackageSha256, [], "<domain/>") }, Ct);

        // When
        var error = await Should.ThrowAsync<ConflictException>(() => store.RemoveAsync("tiny@1.0", Ct));

        // Then
        error.Message.ShouldBe("tiny@1.0-1 is in use: web3 keeps it as its rollback target");
        error.Hint.ShouldNotBeNull().ShouldContain("no longer roll back");
    }

    private static InstanceRecord Instance(string name, InstalledAppliance appliance) =>
        new(name, Guid.NewGuid(), appliance.Name, appliance.Version, appliance.Release, appliance.PackageSha256, "test:///default",
            $"/nowhere/{name}", "default", "qemu", [], DateTimeOffset.UnixEpoch, Previous: null);

    [Fact]
    public async Task Remove_of_something_not_installed_is_not_found()
    {
        using var folder = new TestFolder();
        var store = new ApplianceStore(folder["root"]);
        await Should.ThrowAsync<NotFoundException>(() => store.RemoveAsync("nothing@1", Ct));
    }

    [Fact]
    public async Task Gc_removes_what_crashed_installs_left()
    {
        // Given: the staging folder of a dead process and an appliance folder the index does not know
        using var folder = new TestFolder();
        var store = new ApplianceStore(folder["root"]);
        await store.InstallAsync(await TestAppliance.PackAsync(folder), Unsigned, null, Ct);
        var before = await StoreSnapshot.TakeAsync(store.Root);
        var dead = Directory.CreateDirectory(folder["root/.staging/999999999-0123"]);
        File.WriteAllText(Path.Combine(dead.FullName, "half.img"), "x");
        Directory.CreateDirectory(folder["root/appliances/ghost/1-1"]);

        // When
        var removed = await store.CollectGarbageAsync(Ct);

        // Then
        removed.ShouldBe(2);
        (await StoreSnapshot.TakeAsync(store.Root)).ShouldBe(before);
    }

    [Fact]
    public async Task A_lost_index_makes_the_store_adopt_its_installed_appliances_again_instead_of_deleting_them()
    {
        // Given: two installed appliances, then index.db lost (deleted, or restored from an old backup)
        using var folder = new TestFolder();
        var store = new ApplianceStore(folder["root"]);
        await store.InstallAsync(await TestAppliance.PackAsync(folder, "one"), Unsigned, null, Ct);
        await store.InstallAsync(await TestAppliance.PackAsync(folder, "two"), Unsigned, null, Ct);
        var before = await StoreSnapshot.TakeAsync(store.Root);
        File.Delete(Path.Combine(store.Root, "index.db"));
        // and a folder that is no complete install (a manifest that names a file it does not have)
        var broken = Directory.CreateDirectory(folder["root/appliances/three/1.0-1"]);
        File.Copy(Path.Combine(store.Root, "appliances", "one", "1.0-1", ApplianceStore.KeptManifestName), Path.Combine(broken.FullName, ApplianceStore.KeptManifestName));

        // When the next command that changes the store runs
        var removed = await store.CollectGarbageAsync(Ct);

        // Then both appliances are in the index again with their files untouched and still verifiable; only the broken folder went
        removed.ShouldBe(1);
        (await StoreSnapshot.TakeAsync(store.Root)).ShouldBe(before);
        foreach (var appliance in await store.ListAsync(Ct))
            (await store.VerifyAsync(appliance, null, Ct)).Sha256.ShouldBe(appliance.PackageSha256);
    }

    [Fact]
    public async Task Concurrent_installs_both_land()
    {
        // Given
        using var folder = new TestFolder();
        var one = await TestAppliance.PackAsync(folder, "one");
        var two = await TestAppliance.PackAsync(folder, "two");

        // When: two store objects, as two processes would have
        await Task.WhenAll(
            new ApplianceStore(folder["root"]).InstallAsync(one, Unsigned, null, Ct),
            new ApplianceStore(folder["root"]).InstallAsync(two, Unsigned, null, Ct));

        // Then
        (await new ApplianceStore(folder["root"]).ListAsync(Ct)).Select(a => a.Id).ShouldBe(["one@1.0-1", "two@1.0-1"]);
    }

    [Fact]
    public async Task A_write_failure_midway_leaves_the_store_unchanged()
    {
        // Given
        using var folder = new TestFolder();
        var store = new ApplianceStore(folder["root"]);
        await store.InstallAsync(await TestAppliance.PackAsync(folder, "other"), Unsigned, null, Ct);
        var package = await TestAppliance.PackAsync(folder);
        var before = await StoreSnapshot.TakeAsync(store.Root);
        var options = new InstallOptions
        {
            AllowUnsigned = true,
            StepHook = step =>
            {
                if (step == "writing disks/data.qcow2")
                    throw new IOException("No space left on device");
            },
        };

        // When
        var error = await Should.ThrowAsync<VirtApplianceException>(() => store.InstallAsync(package, options, null, Ct));

        // Then
        error.Message.ShouldContain("No space left on device");
        (await StoreSnapshot.TakeAsync(store.Root)).ShouldBe(before);
    }

    [Fact]
    public async Task A_full_file_system_leaves_the_store_unchanged()
    {
        // Given: a store on a real 3 MiB tmpfs, too small for the 4 MiB of the appliance
        using var folder = new TestFolder();
        var package = await TestAppliance.PackAsync(folder);
        var root = folder["small"];
        Directory.CreateDirectory(root);
        Tools.Run("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", root);
        try
        {
            var store = new ApplianceStore(root);
            var before = await StoreSnapshot.TakeAsync(root);
            // Data that fills most of the space but not all of it.
            var filler = new byte[2 << 20];
            Random.Shared.NextBytes(filler);
            var installed = Path.Combine(folder.Path, "big");
            Directory.CreateDirectory(installed);
            File.WriteAllBytes(Path.Combine(installed, "appliance.xml"), "<image><name version=\"1\" release=\"1\">big</name></image>"u8.ToArray());
            File.WriteAllBytes(Path.Combine(installed, "blob.bin"), [.. filler, .. filler]);
            await PackageWriter.CreateAsync(installed, [new PackageFile("blob.bin", PackageFileRole.Other)], folder["big.vapp"], null, null, Ct);

            // When
            var error = await Should.ThrowAsync<VirtApplianceException>(() => store.InstallAsync(folder["big.vapp"], Unsigned, null, Ct));

            // Then
            error.Message.ShouldContain("No space left on device");
            (await StoreSnapshot.TakeAsync(root)).ShouldBe(before);
            (await store.InstallAsync(package, Unsigned, null, Ct)).Appliance.Id.ShouldBe("tiny@1.0-1");
        }
        finally
        {
            Tools.Run("umount", root);
        }
    }

    [Fact]
    public async Task A_store_reached_through_another_path_keeps_its_appliances()
    {
        // Given: a store installed through one path, then opened through a symbolic link
        using var folder = new TestFolder();
        await new ApplianceStore(folder["root"]).InstallAsync(await TestAppliance.PackAsync(folder), Unsigned, null, Ct);
        File.CreateSymbolicLink(folder["link"], folder["root"]);
        var store = new ApplianceStore(folder["link"] + "/");

        // When
        await store.CollectGarbageAsync(Ct);

        // Then
        (await store.ListAsync(Ct)).Select(a => a.Id).ShouldBe(["tiny@1.0-1"]);
        File.Exists(folder["root/appliances/tiny/1.0-1/system.img"]).ShouldBeTrue();
    }

    [Fact]
    public async Task Install_waits_for_the_store_lock_and_gives_up_with_a_conflict()
    {
        // Given: another command holds the store lock
        using var folder = new TestFolder();
        var package = await TestAppliance.PackAsync(folder);
        var store = new ApplianceStore(folder["root"]) { LockTimeout = TimeSpan.FromMilliseconds(300) };
        await store.CollectGarbageAsync(Ct); // creates the layout
        using var holder = new FileStream(folder["root/.lock"], FileMode.Open, FileAccess.ReadWrite, FileShare.None);

        // When
        var error = await Should.ThrowAsync<ConflictException>(() => store.InstallAsync(package, Unsigned, null, Ct));

        // Then
        error.Message.ShouldContain("locked");
        (await store.ListAsync(Ct)).ShouldBeEmpty();
        Directory.EnumerateFileSystemEntries(folder["root/.staging"]).ShouldBeEmpty();
    }

    [Fact]
    public async Task Install_reads_a_package_from_a_pipe()
    {
        // Given: the package arrives through a pipe, as from a download
        using var folder = new TestFolder();
        var package = await TestAppliance.PackAsync(folder);
        var store = new ApplianceStore(folder["root"]);
        using var cat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("cat", package) { RedirectStandardOutput = true })!;

        // When
        var result = await store.InstallAsync(cat.StandardOutput.BaseStream, "https://example.org/tiny.vapp", Unsigned, null, Ct);

        // Then
        result.Appliance.Id.ShouldBe("tiny@1.0-1");
        Tools.Sha256(Path.Combine(result.Appliance.Path, "vmlinuz")).ShouldBe(Tools.Sha256(folder["src-tiny-1.0-1/vmlinuz"]));
    }
}
