using Shouldly;
using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Monitoring;
using VirtAppliance.Core.Services;
using Xunit;

namespace VirtAppliance.Core.Tests.Deployment;

/// <summary>status, site thresholds and the watch pass through the services, on libvirt's test driver.</summary>
public sealed class StatusEngineTests : EngineTest
{
    private static DeployRequest Request() => new("engine@1.0", "web", TestDriver.Uri, 1, Start: true, Match: TestType);

    private WatchService Watch() =>
        new(Store, Driver, new DeploymentSettings(TimeProvider.System, TimeSpan.FromSeconds(5)), new ApplianceMetrics(), new HttpClient());

    [Fact]
    public async Task Status_gives_state_cpu_memory_and_each_disk_with_the_default_levels()
    {
        // Given
        await EngineAppliance.InstallAsync(Folder, Store, "1.0");
        await Service().DeployAsync(Request(), null, Ct);

        // When
        var status = await Service().StatusAsync("web", Ct);

        // Then
        status.State.ShouldBe(DomainState.Running);
        status.Vcpus.ShouldBe(1);
        status.MemoryBytes.ShouldBe(64L << 20);
        status.Health.ShouldBe(HealthState.Unknown);
        status.GuestAgent.ShouldBe(GuestAgentState.NotConfigured);
        status.Disks.Select(disk => disk.Id).ShouldBe(["system", "data", "scratch"]);
        // (the test driver makes up block info; real libvirt's is checked end to end)
        status.Disks.ShouldAllBe(disk => disk.Capacity > 0 && disk.HostBytes != null);
        status.Disks.ShouldAllBe(disk => disk.Basis == UsageBasis.Allocation && disk.ThresholdSource == ThresholdSource.Default && disk.Level == AlertLevel.Ok);
        (await Service().StatusAllAsync(Ct)).ShouldHaveSingleItem().Name.ShouldBe("web");
    }

    [Fact]
    public async Task An_unknown_VM_is_not_found_and_an_unknown_disk_is_named_with_the_VMs_disks()
    {
        await EngineAppliance.InstallAsync(Folder, Store, "1.0");
        await Service().DeployAsync(Request(), null, Ct);

        await Should.ThrowAsync<NotFoundException>(() => Service().StatusAsync("nope", Ct));
        var error = await Should.ThrowAsync<InvalidInputException>(() => Service().ConfigThresholdAsync("web", "dta", 50, null, reset: false, Ct));
        error.Hint.ShouldNotBeNull().ShouldContain("did you mean 'data'?");
        await Should.ThrowAsync<InvalidInputException>(() => Service().ConfigThresholdAsync("web", "data", 95, 90, reset: false, Ct));
    }

    [Fact]
    public async Task A_site_level_below_the_disks_use_fires_once_and_clears_once_when_reset()
    {
        // Given a VM whose system overlay uses a few percent of its 4 MiB, read from its files (the test driver makes
        // up block info, so its domain is removed behind the index's back: status then reads the images themselves)
        await EngineAppliance.InstallAsync(Folder, Store, "1.0");
        await Service().DeployAsync(Request(), null, Ct);
        Driver.Hypervisor.Destroy("web");
        Driver.Hypervisor.Undefine("web");
        var watch = Watch();
        (await watch.EvaluateAsync(Ct)).Events.ShouldBeEmpty();

        // When the site sets the warning level at 1 % (by target) and two passes run
        var status = await Service().ConfigThresholdAsync("web", "vda", 1, null, reset: false, Ct);
        var first = await watch.EvaluateAsync(Ct);
        var second = await Watch().EvaluateAsync(Ct);

        // Then status shows it at once, the first pass fires and the next (another process's) does not
        var system = status.Disks.Single(disk => disk.Id == "system");
        (system.Threshold.Warning, system.Threshold.Critical, system.ThresholdSource, system.Level).ShouldBe((1, 90, ThresholdSource.Site, AlertLevel.Warning));
        first.Events.ShouldHaveSingleItem().Change.ShouldBe(AlertChange.Fired);
        second.Events.ShouldBeEmpty();

        // When the level is reset
        await Service().ConfigThresholdAsync("web", "system", null, null, reset: true, Ct);
        var cleared = await watch.EvaluateAsync(Ct);

        // Then the alert clears, once
        cleared.Events.ShouldHaveSingleItem().Change.ShouldBe(AlertChange.Cleared);
        (await watch.EvaluateAsync(Ct)).Events.ShouldBeEmpty();
        watch.LastPass.ShouldNotBeNull().Vms.ShouldHaveSingleItem().Level.ShouldBe(AlertLevel.Ok);
    }
}
