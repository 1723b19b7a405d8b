using Microsoft.Data.Sqlite;
using Shouldly;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Images;
using VirtAppliance.Core.Store;
using VirtAppliance.Core.Tests.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Store;

/// <summary>
/// A store written by an earlier release opens in this one: TestData/store-main-7b69057 is the index
/// that main wrote at 7b69057 (two appliance versions, one VM updated from 1.0 to 2.0).
/// </summary>
public class StoreIndexMigrationTests
{
    private static readonly string FixtureIndex = Path.Combine(AppContext.BaseDirectory, "Store", "TestData", "store-main-7b69057", "index.db");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ApplianceStore StoreWithFixtureIndex(TestFolder folder)
    {
        Directory.CreateDirectory(folder["root"]);
        File.Copy(FixtureIndex, folder["root/index.db"]);
        return new ApplianceStore(folder["root"]);
    }

    [Fact]
    public async Task An_index_written_by_main_at_7b69057_opens_with_its_appliances_and_VMs()
    {
        // Given
        using var folder = new TestFolder();
        var store = StoreWithFixtureIndex(folder);

        // When
        var appliances = await store.ListAsync(Ct);
        using var index = await store.OpenIndexAsync(Ct);
        var vm = (await index.FindInstanceAsync("fixture-vm", Ct)).ShouldNotBeNull();

        // Then
        appliances.Select(a => a.Id).ShouldBe(["tiny@1.0-1", "tiny@2.0-1"]);
        (await index.ReadSchemaVersionAsync(Ct)).ShouldBe(StoreIndex.SchemaVersion);
        vm.ApplianceId.ShouldBe("tiny@2.0-1");
        vm.VirtType.ShouldBe("qemu");
        vm.Disks.Select(disk => (disk.DiskId, disk.Target, disk.Role, disk.Format)).ShouldBe(
            [("system", "vda", DiskRole.System, DiskFormat.Qcow2), ("data", "vdb", DiskRole.User, DiskFormat.Raw), ("scratch", "vdc", DiskRole.Scratch, DiskFormat.Qcow2)]);
        vm.Previous.ShouldNotBeNull().Version.ShouldBe("1.0");
        vm.Previous.DomainXml.ShouldContain("<va:version>1.0</va:version>");
    }

    [Fact]
    public async Task The_migration_carries_the_rollback_target_over_so_remove_still_refuses_it()
    {
        // Given: fixture-vm runs 2.0 and keeps 1.0 as its rollback target (in the JSON of the old schema)
        using var folder = new TestFolder();
        var store = StoreWithFixtureIndex(folder);

        // When
        var error = await Should.ThrowAsync<ConflictException>(() => store.RemoveAsync("tiny@1.0", Ct));

        // Then
        error.Message.ShouldBe("tiny@1.0-1 is in use: fixture-vm keeps it as its rollback target");
    }

    [Fact]
    public async Task A_migrated_row_written_again_reads_back_the_same()
    {
        // Given
        using var folder = new TestFolder();
        var store = StoreWithFixtureIndex(folder);
        using var index = await store.OpenIndexAsync(Ct);
        var vm = (await index.FindInstanceAsync("fixture-vm", Ct)).ShouldNotBeNull();

        // When
        await index.SaveInstanceAsync(vm, Ct);

        // Then
        (await index.FindInstanceAsync("fixture-vm", Ct)).ShouldBeEquivalentTo(vm);
    }

    [Fact]
    public async Task A_new_store_starts_at_the_current_schema_and_opening_twice_changes_nothing()
    {
        using var folder = new TestFolder();
        var store = new ApplianceStore(folder["root"]);
        using (var first = await store.OpenIndexAsync(Ct))
            (await first.ReadSchemaVersionAsync(Ct)).ShouldBe(StoreIndex.SchemaVersion);
        using var second = await store.OpenIndexAsync(Ct);
        (await second.ReadSchemaVersionAsync(Ct)).ShouldBe(StoreIndex.SchemaVersion);
        (await second.ListInstancesAsync(Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_index_from_a_newer_release_is_refused_and_left_alone()
    {
        // Given
        using var folder = new TestFolder();
        var store = StoreWithFixtureIndex(folder);
        using (var connection = new SqliteConnection($"Data Source={folder["root/index.db"]};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA user_version = {StoreIndex.SchemaVersion + 1}";
            command.ExecuteNonQuery();
        }
        var before = await File.ReadAllBytesAsync(folder["root/index.db"], Ct);

        // When
        var error = await Should.ThrowAsync<ConflictException>(() => store.ListAsync(Ct));

        // Then
        error.Message.ShouldContain("written by a newer virt-appliance");
        error.Hint.ShouldNotBeNull().ShouldContain("nothing was changed");
        (await File.ReadAllBytesAsync(folder["root/index.db"], Ct)).ShouldBe(before);
    }

    [Fact]
    public async Task An_old_index_gains_site_thresholds_and_alerts_that_survive_reopening()
    {
        // Given the index main wrote at 7b69057, migrated
        using var folder = new TestFolder();
        var store = StoreWithFixtureIndex(folder);
        var since = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
        using (var index = await store.OpenIndexAsync(Ct))
        {
            var vm = (await index.FindInstanceAsync("fixture-vm", Ct)).ShouldNotBeNull();
            vm.Thresholds.ShouldBeEmpty();

            // When a threshold is set and an alert recorded
            await index.SaveInstanceAsync(vm with { Thresholds = new Dictionary<string, DiskThreshold> { ["data"] = new(70, 85) } }, Ct);
            await index.SaveAlertsAsync([("fixture-vm", "data", new StoredAlert("fixture-vm", "data", "warning", 72.5, since))], Ct);
        }

        // Then both are there for the next process (a restarted serve does not fire it again)
        using (var reopened = await store.OpenIndexAsync(Ct))
        {
            (await reopened.FindInstanceAsync("fixture-vm", Ct)).ShouldNotBeNull().Thresholds["data"].ShouldBe(new DiskThreshold(70, 85));
            (await reopened.ListAlertsAsync(Ct)).ShouldBe([new StoredAlert("fixture-vm", "data", "warning", 72.5, since)]);

            // And a cleared alert and an undeployed VM leave no row
            await reopened.SaveAlertsAsync([("fixture-vm", "data", null)], Ct);
            (await reopened.ListAlertsAsync(Ct)).ShouldBeEmpty();
            await reopened.SaveAlertsAsync([("fixture-vm", "data", new StoredAlert("fixture-vm", "data", "critical", 91, since))], Ct);
            await reopened.DeleteInstanceAsync("fixture-vm", Ct);
            (await reopened.ListAlertsAsync(Ct)).ShouldBeEmpty();
        }
    }
}
