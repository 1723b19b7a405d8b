using Shouldly;
using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Tests.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Deployment;

/// <summary>
/// The deployment engine's steps and their undo, fast, on libvirt's test:///default driver through
/// the real binding, with real qemu-img disks and a real store index. A hook fails one step at a
/// time; afterwards the store, the index and the hypervisor must be as they were.
/// </summary>
public sealed class DeploymentEngineTests : EngineTest
{
    private static DeployRequest Request(int count = 2, bool start = true) =>
        new("engine@1.0", "web", TestDriver.Uri, count, Start: start, Match: TestType);

    public static TheoryData<string> DeploySteps() =>
    [
        "resolve", "host check", "names", "lock",
        "web-1: disks", "web-1: record", "web-1: define", "web-2: disks", "web-2: record", "web-2: define",
        "unlock", "start and wait healthy",
    ];

    [Theory]
    [MemberData(nameof(DeploySteps))]
    public async Task A_deploy_that_fails_at_any_step_leaves_no_VM_no_row_no_folder(string step)
    {
        // Given
        await EngineAppliance.InstallAsync(Folder, Store, "1.0");
        FailStep = step;

        // When
        var error = await Should.ThrowAsync<IOException>(() => Service().DeployAsync(Request(), null, Ct));

        // Then
        OperationFailure.FailedStep(error).ShouldBe($"deploy web: {step}");
        OperationFailure.FailedUndos(error).ShouldBeEmpty();
        await ShouldBeEmptyAsync();
        FailStep = null;
        (await Service().DeployAsync(Request(), null, Ct)).Select(vm => vm.Record.Name).ShouldBe(["web-1", "web-2"], "the store lock was released");
    }

    [Fact]
    public async Task A_failed_undo_is_reported_beside_the_first_error_and_the_other_undos_still_run()
    {
        // Given
        await EngineAppliance.InstallAsync(Folder, Store, "1.0");
        FailStep = "web-2: define";
        FailUndo = "web-1: disks";

        // When
        var error = await Should.ThrowAsync<IOException>(() => Service().DeployAsync(Request(), null, Ct));

        // Then: the first error is the one thrown; web-1's folder stays, nothing else does
        error.Message.ShouldBe("injected failure at web-2: define");
        OperationFailure.FailedUndos(error).ShouldBe(["deploy web: could not undo 'web-1: disks': injected undo failure at web-1: disks"]);
        Driver.Hypervisor.FindDomain("web-1").ShouldBeNull();
        (await ListAsync()).ShouldBeEmpty();
        Directory.Exists(Path.Combine(Store.InstancesFolder, "web-1")).ShouldBeTrue();
        Directory.Exists(Path.Combine(Store.InstancesFolder, "web-2")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_deploy_whose_health_check_never_passes_removes_what_it_made()
    {
        // Given: the test driver prints no console line
        await EngineAppliance.InstallAsync(Folder, Store, "1.0", healthTimeout: 1);

        // When
        var error = await Should.ThrowAsync<HealthCheckFailedException>(() => Service().DeployAsync(Request(count: 1), null, Ct));

        // Then
        error.Message.ShouldContain("did not become healthy");
        OperationFailure.FailedStep(error).ShouldBe("deploy web: start and wait healthy");
        await ShouldBeEmptyAsync();
    }

    public static TheoryData<string, bool> UpdateSteps()
    {
        var data = new TheoryData<string, bool>();
        foreach (var step in new[] { "resolve", "host check", "stop", "lock", "disks", "define", "record", "unlock", "start", "wait healthy", "keep user data", "tidy" })
        {
            data.Add(step, true);
            data.Add(step, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(UpdateSteps))]
    public async Task An_update_that_fails_at_any_step_returns_the_VM_to_its_version_and_run_state(string step, bool running)
    {
        // Given
        await EngineAppliance.InstallAsync(Folder, Store, "1.0");
        await EngineAppliance.InstallAsync(Folder, Store, "2.0");
        await Service().DeployAsync(Request(count: 1, start: running), null, Ct);
        var before = await FindAsync("web");
        var xmlBefore = Driver.Hypervisor.GetXml("web", inactive: true);
        var filesBefore = Directory.GetFiles(before.Folder).Order(StringComparer.Ordinal).ToList();
        FailStep = step;

        // When
        var error = await Should.ThrowAsync<Exception>(() => Service().UpdateAsync("web", "2.0", null, null, null, Ct));

        // Then
        OperationFailure.FailedStep(error).ShouldBe($"update web: {step}");
        OperationFailure.FailedUndos(error).ShouldBeEmpty();
        (await FindAsync("web")).ShouldBeEquivalentTo(before);
        Driver.Hypervisor.GetXml("web", inactive: true).ShouldBe(xmlBefore);
        (Driver.Hypervisor.GetState("web").State == DomainState.Running).ShouldBe(running);
        Directory.GetFiles(before.Folder).Order(StringComparer.Ordinal).Where(file => !file.EndsWith("console.log", StringComparison.Ordinal))
            .ShouldBe(filesBefore.Where(file => !file.EndsWith("console.log", StringComparison.Ordinal)), "no overlay of 2.0 is left behind");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_new_versions_writes_to_the_user_disk_are_kept_only_when_it_becomes_healthy(bool healthy)
    {
        // Given a running VM and the bytes of its user disk
        await EngineAppliance.InstallAsync(Folder, Store, "1.0");
        await EngineAppliance.InstallAsync(Folder, Store, "2.0");
        await Service().DeployAsync(Request(count: 1), null, Ct);
        var userDisk = (await FindAsync("web")).Disks.Single(disk => disk.Role == DiskRole.User).Path;
        var before = Tools.Sha256(userDisk);
        // the new version writes a pattern once it runs (a database migration, say) — into whatever the domain gives it
        OnStep = step =>
        {
            if (step != "wait healthy")
                return;
            var written = Driver.Hypervisor.GetXml("web").Split('\'').First(part => part.Contains("user-data", StringComparison.Ordinal));
            Tools.Run("qemu-io", "-f", written.EndsWith(".qcow2", StringComparison.Ordinal) ? "qcow2" : "raw", "-c", "write -P 0xab 0 64k", written);
        };
        FailStep = healthy ? null : "wait healthy";

        // When it is updated
        var updating = Service().UpdateAsync("web", "2.0", null, null, null, Ct);
        if (healthy)
            await updating;
        else
            await Should.ThrowAsync<IOException>(updating);

        // Then the user disk holds the writes only if the update went through, and no layer is left
        if (healthy)
            Tools.Run("qemu-io", "-f", "raw", "-c", "read -P 0xab 0 64k", userDisk).ShouldNotContain("Pattern verification failed");
        else
            Tools.Sha256(userDisk).ShouldBe(before);
        Directory.GetFiles(Path.GetDirectoryName(userDisk)!, "*.update.qcow2").ShouldBeEmpty();
        Driver.Hypervisor.GetXml("web", inactive: true).ShouldContain("user-data.img");
    }

    [Fact]
    public async Task An_update_whose_new_version_never_becomes_healthy_is_rolled_back()
    {
        // Given: 2.0 waits for a console line the test driver never prints
        await EngineAppliance.InstallAsync(Folder, Store, "1.0");
        await EngineAppliance.InstallAsync(Folder, Store, "2.0", healthTimeout: 1);
        await Service().DeployAsync(Request(count: 1), null, Ct);

        // When
        var error = await Should.ThrowAsync<UpdateRolledBackException>(() => Service().UpdateAsync("web", "2.0", null, null, null, Ct));

        // Then
        error.Message.ShouldContain("rolled back to engine@1.0-1");
        (await FindAsync("web")).Version.ShouldBe("1.0");
        Driver.Hypervisor.GetState("web").State.ShouldBe(DomainState.Running);
    }

    [Fact]
    public async Task Update_then_rollback_moves_the_VM_and_keeps_its_user_disk()
    {
        // Given
        await EngineAppliance.InstallAsync(Folder, Store, "1.0");
        await EngineAppliance.InstallAsync(Folder, Store, "2.0");
        await Service().DeployAsync(Request(count: 1), null, Ct);
        var userDisk = (await FindAsync("web")).Disks.Single(disk => disk.Role == DiskRole.User).Path;

        // When
        var updated = await Service().UpdateAsync("web", "2.0", null, null, null, Ct);
        var afterUpdate = await FindAsync("web");
        var rolledBack = await Service().RollbackAsync("web", null, null, Ct);
        var afterRollback = await FindAsync("web");

        // Then
        (updated.From, updated.To).ShouldBe(("1.0-1", "2.0-1"));
        afterUpdate.Disks.Single(disk => disk.Role == DiskRole.User).Path.ShouldBe(userDisk);
        afterUpdate.Previous.ShouldNotBeNull().Version.ShouldBe("1.0");
        (rolledBack.From, rolledBack.To).ShouldBe(("2.0-1", "1.0-1"));
        afterRollback.Version.ShouldBe("1.0");
        afterRollback.Disks.Single(disk => disk.Role == DiskRole.User).Path.ShouldBe(userDisk);
        Driver.Hypervisor.GetState("web").State.ShouldBe(DomainState.Running);
    }

    [Theory]
    [InlineData("stop")]
    [InlineData("define")]
    [InlineData("scratch")]
    [InlineData("record")]
    [InlineData("start")]
    public async Task A_rollback_that_fails_leaves_the_VM_on_the_version_it_ran(string step)
    {
        // Given
        await EngineAppliance.InstallAsync(Folder, Store, "1.0");
        await EngineAppliance.InstallAsync(Folder, Store, "2.0");
        await Service().DeployAsync(Request(count: 1), null, Ct);
        await Service().UpdateAsync("web", "2.0", null, null, null, Ct);
        var before = await FindAsync("web");
        FailStep = step;

        // When
        var error = await Should.ThrowAsync<IOException>(() => Service().RollbackAsync("web", null, null, Ct));

        // Then
        OperationFailure.FailedStep(error).ShouldBe($"rollback web: {step}");
        (await FindAsync("web")).ShouldBeEquivalentTo(before);
        Driver.Hypervisor.GetXml("web", inactive: true).ShouldContain("2.0-1.qcow2");
        Driver.Hypervisor.GetState("web").State.ShouldBe(DomainState.Running);
    }

    [Fact]
    public async Task A_lost_index_row_shows_in_vms_and_repair_adopts_the_VM_with_its_disk_roles()
    {
        // Given
        await EngineAppliance.InstallAsync(Folder, Store, "1.0");
        await EngineAppliance.InstallAsync(Folder, Store, "2.0");
        await Service().DeployAsync(Request(count: 1), null, Ct);
        var original = await FindAsync("web");
        using (var index = await Store.OpenIndexAsync(Ct))
            await index.DeleteInstanceAsync("web", Ct);

        // When
        var seen = await Service().ListAsync(TestDriver.Uri, repair: false, Ct);
        var repaired = await Service().ListAsync(TestDriver.Uri, repair: true, Ct);
        var adopted = await FindAsync("web");

        // Then
        seen.Instances.ShouldHaveSingleItem().Unindexed.ShouldBeTrue();
        seen.Problems.ShouldBeEmpty();
        repaired.Instances.ShouldHaveSingleItem().Unindexed.ShouldBeFalse();
        adopted.ShouldBeEquivalentTo(original with { CreatedAt = adopted.CreatedAt });
        (await Service().UpdateAsync("web", "2.0", null, null, null, Ct)).To.ShouldBe("2.0-1", "an adopted VM updates like any other");
    }

    [Fact]
    public async Task A_domain_whose_appliance_is_not_installed_is_listed_as_a_problem_not_adopted()
    {
        // Given
        var installed = await EngineAppliance.InstallAsync(Folder, Store, "1.0");
        await Service().DeployAsync(Request(count: 1, start: false), null, Ct);
        using (var index = await Store.OpenIndexAsync(Ct))
            await index.DeleteInstanceAsync("web", Ct);
        await Store.RemoveAsync(installed.Id, Ct);

        // When
        var repaired = await Service().ListAsync(TestDriver.Uri, repair: true, Ct);

        // Then
        repaired.Instances.ShouldBeEmpty();
        repaired.Problems.ShouldHaveSingleItem().ShouldContain("engine@1.0-1 is not installed");
        (await ListAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Undeploy_keeps_the_user_disk_and_the_config_disk_and_forgets_the_VM()
    {
        // Given
        await EngineAppliance.InstallAsync(Folder, Store, "1.0");
        await Service().DeployAsync(Request(count: 1), null, Ct);

        // When
        var kept = await Service(stopTimeout: TimeSpan.FromSeconds(1)).UndeployAsync("web", deleteData: false, null, null, Ct);

        // Then
        kept.UserDisks.Select(Path.GetFileName).ShouldBe(["user-data.img"]);
        Path.GetFileName(kept.ConfigDisk).ShouldBe("config-1.iso");
        kept.UserDisks.Append(kept.ConfigDisk!).ShouldAllBe(path => path.StartsWith(Store.KeptFolder) && File.Exists(path));
        await ShouldBeEmptyAsync();
    }

    private async Task ShouldBeEmptyAsync()
    {
        Driver.Hypervisor.ListDomains().Select(domain => domain.Name).ShouldNotContain(name => name.StartsWith("web", StringComparison.Ordinal));
        (await ListAsync()).ShouldBeEmpty();
        (Directory.Exists(Store.InstancesFolder) ? Directory.GetDirectories(Store.InstancesFolder) : []).ShouldBeEmpty();
    }

    [Fact]
    public async Task Versions_are_ordered_as_rpm_orders_them_and_an_update_only_goes_back_when_allowed()
    {
        // Given 9.2 and 10.0 installed (text order would call 9.2 the newest) and a VM on 10.0
        await EngineAppliance.InstallAsync(Folder, Store, "9.2");
        await EngineAppliance.InstallAsync(Folder, Store, "10.0");
        (await Store.FindAsync("engine", Ct)).Select(appliance => appliance.Version).ShouldBe(["9.2", "10.0"]);
        await Service().DeployAsync(new DeployRequest("engine", "web", TestDriver.Uri, 1, Start: false, Match: TestType), null, Ct);
        (await FindAsync("web")).Version.ShouldBe("10.0", "deploy without a version takes the newest");

        // When it is updated to the older 9.2
        var refused = await Should.ThrowAsync<ConflictException>(() => Service().UpdateAsync("web", "9.2", null, null, null, Ct));

        // Then it is refused, says what to do, and nothing changed
        refused.Message.ShouldBe("web runs engine 10.0-1, newer than 9.2-1: update only moves a VM forward");
        refused.Hint.ShouldNotBeNull().ShouldContain("--allow-downgrade");
        (await FindAsync("web")).Version.ShouldBe("10.0");

        // When the downgrade is asked for
        var result = await Service().UpdateAsync("web", "9.2", null, null, new VmOptions(AllowDowngrade: true), Ct);

        // Then it happens, and rollback returns to 10.0
        result.To.ShouldBe("9.2-1");
        (await Service().RollbackAsync("web", null, null, Ct)).To.ShouldBe("10.0-1");
    }
}
