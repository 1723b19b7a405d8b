using Shouldly;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Monitoring;
using VirtAppliance.Core.Store;
using Xunit;

namespace VirtAppliance.Core.Tests.Monitoring;

/// <summary>What a watch pass records and notifies: one event per crossing, none while a level holds.</summary>
public class WatchPassTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_first_crossing_fires_and_is_recorded()
    {
        var (events, changes) = WatchPass.Compare([Vm("web", ("data", 85, AlertLevel.Warning))], [], Now);

        events.ShouldHaveSingleItem().Change.ShouldBe(AlertChange.Fired);
        events[0].Level.ShouldBe(AlertLevel.Warning);
        changes.ShouldHaveSingleItem().Alert.ShouldBe(new StoredAlert("web", "data", "warning", 85, Now));
    }

    [Fact]
    public void A_recorded_alert_at_the_same_level_does_not_fire_again_after_a_restart()
    {
        var stored = new StoredAlert("web", "data", "warning", 85, Now.AddHours(-1));

        var (events, changes) = WatchPass.Compare([Vm("web", ("data", 86, AlertLevel.Warning))], [stored], Now);

        events.ShouldBeEmpty();
        changes.ShouldBeEmpty();
    }

    [Fact]
    public void Warning_to_critical_is_raised_and_keeps_when_it_fired()
    {
        var stored = new StoredAlert("web", "data", "warning", 85, Now.AddHours(-1));

        var (events, changes) = WatchPass.Compare([Vm("web", ("data", 93, AlertLevel.Critical))], [stored], Now);

        events.ShouldHaveSingleItem().Change.ShouldBe(AlertChange.Raised);
        changes.ShouldHaveSingleItem().Alert.ShouldBe(new StoredAlert("web", "data", "critical", 93, Now.AddHours(-1)));
    }

    [Fact]
    public void Falling_to_ok_clears_and_deletes_the_record()
    {
        var stored = new StoredAlert("web", "data", "critical", 93, Now.AddHours(-1));

        var (events, changes) = WatchPass.Compare([Vm("web", ("data", 10, AlertLevel.Ok))], [stored], Now);

        events.ShouldHaveSingleItem().Change.ShouldBe(AlertChange.Cleared);
        changes.ShouldHaveSingleItem().Alert.ShouldBeNull();
    }

    [Fact]
    public void An_unmeasured_disk_changes_nothing_and_a_vanished_disk_drops_its_alert_silently()
    {
        var stored = new[] { new StoredAlert("web", "data", "warning", 85, Now), new StoredAlert("web", "gone", "warning", 85, Now) };

        var (events, changes) = WatchPass.Compare([Vm("web", ("data", null, AlertLevel.Warning))], stored, Now);

        events.ShouldBeEmpty();
        changes.ShouldHaveSingleItem().ShouldBe(("web", "gone", (StoredAlert?)null));
    }

    private static VmStatus Vm(string name, params (string Disk, double? Used, AlertLevel Level)[] disks) =>
        new(name, "tiny", "1.0", "1", "test:///default", DomainState.Running, false, null, null, HealthState.Healthy, null, 1, 1, 1, 1,
            GuestAgentState.Answering, null,
            [.. disks.Select(disk => new DiskStatus(disk.Disk, "vdb", DiskRole.User, "/x", 100, 50, 100, [], disk.Used, UsageBasis.FileSystem, new DiskThreshold(80, 90),
                ThresholdSource.Default, disk.Level))],
            disks.Max(disk => disk.Level), Now);
}
