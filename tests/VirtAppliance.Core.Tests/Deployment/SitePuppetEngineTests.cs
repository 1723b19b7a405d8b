using Shouldly;
using VirtAppliance.Core.Configuration;
using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Tests.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Deployment;

/// <summary>
/// The site's Puppet modules through the engine on libvirt's test:///default driver: staged like
/// 'config set' (a pending config disk), given to the VM by 'config apply', carried onto the config
/// disk of every update; a failing step or a bad module leaves everything as it was.
/// </summary>
public sealed class SitePuppetEngineTests : EngineTest
{
    private static DeployRequest Request() => new("engine@1.0", "web", TestDriver.Uri, Match: TestType, Set: ["mail_host=smtp.example.org"]);

    private static string IsoFile(string iso, string path) => Tools.Run("isoinfo", "-R", "-i", iso, "-x", path);

    private static IEnumerable<string> Classes(string iso) =>
        IsoFile(iso, "/puppet/classes").Split('\n').Where(line => line.Length > 0 && !line.StartsWith('#'));

    private string SiteNote(string text = "head office")
    {
        var root = Folder[Path.Combine("site", "site_note")];
        Directory.CreateDirectory(Path.Combine(root, "manifests"));
        File.WriteAllText(Path.Combine(root, "manifests", "init.pp"), $"class site_note {{\n  file {{ '/etc/hello/site': content => \"{text}\\n\" }}\n}}\n");
        return root;
    }

    private async Task DeployedAsync()
    {
        await EngineAppliance.InstallAsync(Folder, Store, "1.0", configured: true);
        await Service().DeployAsync(Request(), null, Ct);
    }

    private IEnumerable<string> SiteModuleCopies(string vm)
    {
        var folder = Path.Combine(Store.InstancesFolder, vm, "site-puppet");
        return Directory.Exists(folder) ? Directory.GetDirectories(folder).Select(Path.GetFileName).OfType<string>() : [];
    }

    [Fact]
    public async Task Puppet_add_stages_the_module_and_apply_gives_it_to_the_VM_as_the_next_generation()
    {
        // Given
        await DeployedAsync();

        // When
        var staged = await Service().ConfigPuppetAddAsync("web", SiteNote(), [], SiteModuleKind.Addition, Ct);
        var stagedRecord = await FindAsync("web");
        var pendingClasses = Classes(stagedRecord.PendingConfigDisk).ToList();
        var applied = await Service().ConfigApplyAsync("web", restart: true, null, null, Ct);

        // Then the add changed nothing the VM runs
        staged.HasPending.ShouldBeTrue();
        staged.Puppet.ShouldBeEmpty();
        staged.PendingPuppet.ShouldNotBeNull().ShouldHaveSingleItem().Name.ShouldBe("site_note");
        stagedRecord.ConfigGeneration.ShouldBe(1);
        pendingClasses.ShouldBe(["site_note"]);
        // and the apply gave it generation 2 with the module
        applied.Generation.ShouldBe(2);
        applied.PendingPuppet.ShouldBeNull();
        var record = await FindAsync("web");
        record.SitePuppet.ShouldHaveSingleItem().Classes.ShouldBe(["site_note"]);
        record.PendingSitePuppet.ShouldBeNull();
        Classes(record.ConfigDisk!).ShouldBe(["site_note"]);
        IsoFile(record.ConfigDisk!, "/puppet/modules/site_note/manifests/init.pp").ShouldContain("head office");
        IsoFile(record.ConfigDisk!, "/files/etc/engine/app.conf").ShouldContain("mail_host=smtp.example.org");
        Driver.Hypervisor.GetXml("web", inactive: true).ShouldContain("config-2.iso");
    }

    [Theory]
    [InlineData("copy")]
    [InlineData("disk")]
    [InlineData("record")]
    [InlineData("tidy")]
    public async Task A_failed_puppet_add_leaves_the_VM_and_what_was_pending_as_they_were(string step)
    {
        // Given a value already pending
        await DeployedAsync();
        await Service().ConfigSetAsync("web", ["greeting=good day"], [], Ct);
        var before = await FindAsync("web");
        var pendingDisk = Tools.Sha256(before.PendingConfigDisk);
        FailStep = step;

        // When
        var error = await Should.ThrowAsync<IOException>(() => Service().ConfigPuppetAddAsync("web", SiteNote(), [], SiteModuleKind.Addition, Ct));

        // Then
        OperationFailure.FailedStep(error).ShouldBe($"config puppet add web: {step}");
        OperationFailure.FailedUndos(error).ShouldBeEmpty();
        (await FindAsync("web")).ShouldBeEquivalentTo(before);
        Tools.Sha256(before.PendingConfigDisk).ShouldBe(pendingDisk);
        File.Exists(before.PendingConfigDisk + ".previous").ShouldBeFalse();
        SiteModuleCopies("web").ShouldBeEmpty();
    }

    [Fact]
    public async Task A_module_that_does_not_parse_changes_nothing()
    {
        // Given
        await DeployedAsync();
        var before = await FindAsync("web");
        var module = SiteNote();
        await File.WriteAllTextAsync(Path.Combine(module, "manifests", "init.pp"), "class site_note {\n  file { 'x':\n", Ct);

        // When
        var error = await Should.ThrowAsync<SitePuppetInvalidException>(() => Service().ConfigPuppetAddAsync("web", module, [], SiteModuleKind.Addition, Ct));

        // Then
        error.Problems.ShouldHaveSingleItem().Location.File.ShouldBe(Path.Combine(module, "manifests", "init.pp"));
        (await FindAsync("web")).ShouldBeEquivalentTo(before);
        File.Exists(before.PendingConfigDisk).ShouldBeFalse();
        SiteModuleCopies("web").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("stop")]
    [InlineData("disk")]
    [InlineData("define")]
    [InlineData("record")]
    [InlineData("start")]
    [InlineData("wait healthy")]
    public async Task A_failed_apply_of_a_module_goes_back_to_the_generation_that_ran(string step)
    {
        // Given
        await DeployedAsync();
        await Service().ConfigPuppetAddAsync("web", SiteNote(), [], SiteModuleKind.Addition, Ct);
        var before = await FindAsync("web");
        var xml = Driver.Hypervisor.GetXml("web", inactive: true);
        FailStep = step;

        // When
        var error = await Should.ThrowAsync<IOException>(() => Service().ConfigApplyAsync("web", restart: true, null, null, Ct));

        // Then generation 1 runs without the module, which still waits
        OperationFailure.FailedStep(error).ShouldBe($"config apply web: {step}");
        OperationFailure.FailedUndos(error).ShouldBeEmpty();
        (await FindAsync("web")).ShouldBeEquivalentTo(before);
        Driver.Hypervisor.GetXml("web", inactive: true).ShouldBe(xml);
        Driver.Hypervisor.GetState("web").State.ShouldBe(Hypervisor.DomainState.Running);
        Classes(before.PendingConfigDisk).ShouldBe(["site_note"]);
        SiteModuleCopies("web").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task An_update_puts_the_sites_modules_on_the_new_versions_config_disk_and_rollback_returns_to_the_old_one()
    {
        // Given a VM of 1.0 with a module applied
        await DeployedAsync();
        await EngineAppliance.InstallAsync(Folder, Store, "2.0", configured: true);
        var added = await Service().ConfigPuppetAddAsync("web", SiteNote(), [], SiteModuleKind.Addition, Ct);
        await Service().ConfigApplyAsync("web", restart: true, null, null, Ct);

        // When
        await Service().UpdateAsync("web", "2.0", null, null, null, Ct);

        // Then the new version's config disk (a new instance id: the guest applies it again) has the module
        var updated = await FindAsync("web");
        updated.ConfigGeneration.ShouldBe(3);
        Classes(updated.ConfigDisk!).ShouldBe(["site_note"]);
        IsoFile(updated.ConfigDisk!, "/meta-data").ShouldContain(ConfigDisk.NewInstanceId(updated.Uuid, 3));
        updated.SitePuppet.ShouldHaveSingleItem().Digest.ShouldBe(added.PendingPuppet!.Single().Digest);
        updated.Previous.ShouldNotBeNull().SitePuppet.ShouldHaveSingleItem();
        // and a rollback returns to the disk that ran with 1.0
        await Service().RollbackAsync("web", null, null, Ct);
        var back = await FindAsync("web");
        back.ConfigGeneration.ShouldBe(2);
        back.SitePuppet.ShouldHaveSingleItem().Name.ShouldBe("site_note");
    }

    [Fact]
    public async Task A_module_staged_before_an_update_is_applied_after_it_under_an_instance_id_the_guest_has_not_seen()
    {
        // Given a module pending when the VM is updated (the update takes generation 2)
        await DeployedAsync();
        await EngineAppliance.InstallAsync(Folder, Store, "2.0", configured: true);
        await Service().ConfigPuppetAddAsync("web", SiteNote(), [], SiteModuleKind.Addition, Ct);
        await Service().UpdateAsync("web", "2.0", null, null, null, Ct);

        // When
        await Service().ConfigApplyAsync("web", restart: true, null, null, Ct);

        // Then
        var record = await FindAsync("web");
        record.ConfigGeneration.ShouldBe(3);
        IsoFile(record.ConfigDisk!, "/meta-data").ShouldContain(ConfigDisk.NewInstanceId(record.Uuid, 3));
        Classes(record.ConfigDisk!).ShouldBe(["site_note"]);
        File.Exists(record.PendingConfigDisk).ShouldBeFalse();
    }

    [Fact]
    public async Task Puppet_remove_then_apply_takes_the_module_off_the_disk_and_out_of_the_VMs_folder()
    {
        // Given
        await DeployedAsync();
        await Service().ConfigPuppetAddAsync("web", SiteNote(), [], SiteModuleKind.Addition, Ct);
        await Service().ConfigApplyAsync("web", restart: true, null, null, Ct);

        // When
        var removed = await Service().ConfigPuppetRemoveAsync("web", "site_note", Ct);
        await Service().ConfigApplyAsync("web", restart: true, null, null, Ct);

        // Then
        removed.PendingPuppet.ShouldNotBeNull().ShouldBeEmpty();
        var record = await FindAsync("web");
        record.SitePuppet.ShouldBeEmpty();
        Tools.Run("isoinfo", "-R", "-f", "-i", record.ConfigDisk!).ShouldNotContain("site_note");
        SiteModuleCopies("web").ShouldBeEmpty();
    }

    [Fact]
    public async Task Adding_a_changed_module_of_the_same_name_replaces_it_in_its_place()
    {
        // Given two modules
        await DeployedAsync();
        await Service().ConfigPuppetAddAsync("web", SiteNote(), [], SiteModuleKind.Addition, Ct);
        var other = Folder[Path.Combine("site", "site_zz")];
        Directory.CreateDirectory(Path.Combine(other, "manifests"));
        await File.WriteAllTextAsync(Path.Combine(other, "manifests", "init.pp"), "class site_zz {\n}\n", Ct);
        await Service().ConfigPuppetAddAsync("web", other, [], SiteModuleKind.Addition, Ct);

        // When
        var view = await Service().ConfigPuppetAddAsync("web", SiteNote("branch office"), [], SiteModuleKind.Override, Ct);

        // Then
        view.PendingPuppet.ShouldNotBeNull().Select(module => (module.Name, module.Kind)).ShouldBe([("site_note", SiteModuleKind.Override), ("site_zz", SiteModuleKind.Addition)]);
        IsoFile((await FindAsync("web")).PendingConfigDisk, "/puppet/modules/site_note/manifests/init.pp").ShouldContain("branch office");
        SiteModuleCopies("web").Count().ShouldBe(2, "the first copy of site_note is no longer used by anything");
    }

    [Fact]
    public async Task Removing_a_module_the_VM_does_not_have_names_the_ones_it_has()
    {
        // Given
        await DeployedAsync();
        await Service().ConfigPuppetAddAsync("web", SiteNote(), [], SiteModuleKind.Addition, Ct);

        // When
        var error = await Should.ThrowAsync<NotFoundException>(() => Service().ConfigPuppetRemoveAsync("web", "site_nte", Ct));

        // Then
        error.Hint.ShouldNotBeNull().ShouldContain("did you mean 'site_note'");
    }
}
