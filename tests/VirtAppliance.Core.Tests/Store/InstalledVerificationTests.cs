using Shouldly;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Store;
using VirtAppliance.Core.Tests.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Store;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class InstalledVerificationTests
{
    private static readonly InstallOptions Unsigned = new() { AllowUnsigned = true };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_untouched_installed_appliance_verifies_against_the_manifest_it_came_with()
    {
        // Given
        using var folder = new TestFolder();
        var store = new ApplianceStore(folder["root"]);
        var installed = (await store.InstallAsync(await TestAppliance.PackAsync(folder), Unsigned, null, Ct)).Appliance;

        // When
        var manifest = await store.VerifyAsync(installed, null, Ct);

        // Then
        manifest.Sha256.ShouldBe(installed.PackageSha256);
        manifest.Files.Count.ShouldBe(TestAppliance.Files.Count + 1);
        File.Exists(Path.Combine(installed.Path, ApplianceStore.KeptManifestName)).ShouldBeTrue();
    }

    [Theory]
    [InlineData("system.img", 100)]                 // in the data at the start of the disk
    [InlineData("system.img", 40L << 20)]           // in a hole, far from any data
    [InlineData("disks/data.qcow2", 0)]
    [InlineData("vmlinuz", 10)]
    public async Task A_changed_byte_in_an_installed_file_is_found_and_named(string file, long offset)
    {
        // Given
        using var folder = new TestFolder();
        var store = new ApplianceStore(folder["root"]);
        var installed = (await store.InstallAsync(await TestAppliance.PackAsync(folder), Unsigned, null, Ct)).Appliance;
        Tamper(Path.Combine(installed.Path, file), offset);

        // When
        var error = await Should.ThrowAsync<IntegrityException>(() => store.VerifyAsync(installed, null, Ct));

        // Then
        error.Message.ShouldContain($"{file} changed since it was installed");
        error.Hint.ShouldNotBeNull().ShouldContain("install");
    }

    [Fact]
    public async Task A_missing_file_a_missing_manifest_and_a_foreign_manifest_are_each_reported()
    {
        // Given
        using var folder = new TestFolder();
        var store = new ApplianceStore(folder["root"]);
        var installed = (await store.InstallAsync(await TestAppliance.PackAsync(folder), Unsigned, null, Ct)).Appliance;
        var kept = Path.Combine(installed.Path, ApplianceStore.KeptManifestName);
        File.SetUnixFileMode(installed.Path, (UnixFileMode)0b111_101_101);

        // When / Then: a file gone
        File.Move(Path.Combine(installed.Path, "vmlinuz"), Path.Combine(installed.Path, "vmlinuz.old"));
        (await Should.ThrowAsync<IntegrityException>(() => store.VerifyAsync(installed, null, Ct))).Message.ShouldContain("vmlinuz is missing");
        File.Move(Path.Combine(installed.Path, "vmlinuz.old"), Path.Combine(installed.Path, "vmlinuz"));

        // a manifest that is not the installed package's (edited to match a changed file)
        var original = File.ReadAllBytes(kept);
        File.SetUnixFileMode(kept, (UnixFileMode)0b110_100_100);
        File.WriteAllText(kept, File.ReadAllText(kept).Replace("\"vmlinuz\"", "\"vmlinuz2\"", StringComparison.Ordinal));
        (await Should.ThrowAsync<IntegrityException>(() => store.VerifyAsync(installed, null, Ct))).Message.ShouldContain("is not the manifest of the package installed");
        File.WriteAllBytes(kept, original);
        (await store.VerifyAsync(installed, null, Ct)).Sha256.ShouldBe(installed.PackageSha256);

        // no manifest at all
        File.Delete(kept);
        (await Should.ThrowAsync<IntegrityException>(() => store.VerifyAsync(installed, null, Ct))).Message.ShouldContain("is missing");
    }

    private static void Tamper(string path, long offset)
    {
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = offset;
            var value = stream.ReadByte();
            stream.Position = offset;
            stream.WriteByte((byte)(value ^ 0x20));
        }

        File.SetUnixFileMode(path, (UnixFileMode)0b100_100_100);
    }
}
