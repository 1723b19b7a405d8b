using Shouldly;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Store;
using VirtAppliance.Core.Tests.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Store;

/// <summary>Folders another tool put into appliances/ (an RPM's payload): registered by adopt or by the next list, never removed by list.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class AdoptionTests
{
    private static readonly InstallOptions Unsigned = new() { AllowUnsigned = true };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>An installed appliance folder copied, as rpm would lay it out, into a second store that has no row for it.</summary>
    private static async Task<(ApplianceStore Store, string Folder)> PlacedAsync(TestFolder folder)
    {
        var installed = (await new ApplianceStore(folder["a"]).InstallAsync(await TestAppliance.PackAsync(folder), Unsigned, null, Ct)).Appliance;
        var target = folder["b/appliances/tiny/1.0-1"];
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        Tools.Run("cp", "-a", installed.Path, target);
        return (new ApplianceStore(folder["b"]), target);
    }

    [Fact]
    public async Task List_registers_a_complete_folder_at_its_path_in_this_store_and_leaves_other_folders_alone()
    {
        // Given
        using var folder = new TestFolder();
        var (store, target) = await PlacedAsync(folder);
        var junk = folder["b/appliances/junk/1-1"];
        Directory.CreateDirectory(junk);

        // When
        var listed = await store.ListAsync(Ct);

        // Then
        listed.Single().Id.ShouldBe("tiny@1.0-1");
        listed.Single().Path.ShouldBe(target);
        Directory.Exists(junk).ShouldBeTrue("list never removes anything");
        (await store.AdoptAsync("tiny@1.0-1", Ct)).Path.ShouldBe(target);
        (await store.ListAsync(Ct)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Adopt_checks_every_file_against_the_kept_manifest()
    {
        // Given a placed folder whose disk changed, at the same size
        using var folder = new TestFolder();
        var (store, target) = await PlacedAsync(folder);
        var disk = Path.Combine(target, "system.img");
        File.SetUnixFileMode(disk, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await using (var stream = File.OpenWrite(disk))
            stream.WriteByte(0x42);

        // When
        var error = await Should.ThrowAsync<IntegrityException>(() => store.AdoptAsync("tiny@1.0-1", Ct));

        // Then
        error.Message.ShouldContain("system.img changed since it was installed");
        await Should.ThrowAsync<NotFoundException>(() => store.AdoptAsync("tiny@9.9-1", Ct));
    }
}
