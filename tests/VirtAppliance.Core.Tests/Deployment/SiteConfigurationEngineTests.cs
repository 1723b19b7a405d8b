using System.Text;
using Shouldly;
using VirtAppliance.Core.Configuration;
using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Tests.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Deployment;

/// <summary>
/// Site values through the engine on libvirt's test:///default driver: checked before anything is
/// made, rendered onto a real config disk (xorriso; read back with isoinfo), kept across update,
/// changed with config set/apply, passwords nowhere but on the config disk.
/// </summary>
public sealed class SiteConfigurationEngineTests : EngineTest
{
    private const string Password = "S3cret-Engine-7f2c";

    private static DeployRequest Request(params string[] set) =>
        new("engine@1.0", "web", TestDriver.Uri, Match: TestType, Set: set);

    private static string IsoFile(string iso, string path) => Tools.Run("isoinfo", "-R", "-i", iso, "-x", path);

    [Fact]
    public async Task Deploy_renders_the_values_onto_a_read_only_config_disk_and_keeps_the_password_off_the_index()
    {
        // Given
        await EngineAppliance.InstallAsync(Folder, Store, "1.0", configured: true);

        // When
        var vm = (await Service().DeployAsync(Request("mail_host=smtp.example.org", $"admin_password={Password}"), null, Ct)).Single();

        // Then: the disk carries the rendered file, the identity and the values
        var iso = vm.Record.ConfigDisk.ShouldNotBeNull();
        IsoFile(iso, "/files/etc/engine/app.conf").ShouldBe($"greeting=hello\nmail_host=smtp.example.org\npassword={Password}\n");
        IsoFile(iso, "/meta-data").ShouldBe($"instance-id: {ConfigDisk.NewInstanceId(vm.Record.Uuid, 1)}\nlocal-hostname: web\n");
        (await ConfigDisk.ReadSecretsAsync(iso, Ct)).ShouldBe(new Dictionary<string, string> { ["admin_password"] = Password });
        (await ConfigDisk.ReadPublicValuesAsync(iso, Ct))["mail_host"].ShouldBe("smtp.example.org");
        var xml = Driver.Hypervisor.GetXml("web", inactive: true);
        xml.ShouldContain($"<source file='{iso}'/>");
        xml.ShouldContain("<readonly/>");
        // and the password is on nothing else the tool wrote
        vm.Record.SiteValues.ShouldBe(new Dictionary<string, string> { ["mail_host"] = "smtp.example.org" });
        xml.ShouldNotContain(Password);
        foreach (var file in Directory.EnumerateFiles(Store.Root, "*", SearchOption.AllDirectories).Where(file => !file.EndsWith(".iso", StringComparison.Ordinal)))
            Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file, Ct)).ShouldNotContain(Password, customMessage: file);
    }

    [Fact]
    public async Task Bad_values_are_refused_all_at_once_before_anything_is_made()
    {
        // Given
        await EngineAppliance.InstallAsync(Folder, Store, "1.0", configured: true);

        // When: a host that is not one, a misspelt name, and the required mail_host missing
        var error = await Should.ThrowAsync<SiteValuesInvalidException>(() =>
            Service().DeployAsync(Request("greting=hi", "admin_password=x y"), null, Ct));

        // Then
        error.Message.ShouldContain("'greting'");
        error.Message.ShouldContain("did you mean 'greeting'");
        error.Message.ShouldContain("parameter 'mail_host' is required and has no value");
        OperationFailure.FailedStep(error).ShouldBe("deploy web: resolve");
        Driver.Hypervisor.FindDomain("web").ShouldBeNull();
        (Directory.Exists(Store.InstancesFolder) ? Directory.GetDirectories(Store.InstancesFolder) : []).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_values_file_error_names_the_file_line_and_column()
    {
        // Given
        await EngineAppliance.InstallAsync(Folder, Store, "1.0", configured: true);
        var values = Folder["site.yaml"];
        await File.WriteAllTextAsync(values, "mail_host: smtp.example.org\ngreeting:\n  nested: no\n", Ct);

        // When
        var error = await Should.ThrowAsync<InvalidInputException>(() =>
            Service().DeployAsync(Request() with { ValuesFile = values }, null, Ct));

        // Then
        error.Message.ShouldStartWith($"{values}:3:");
        Driver.Hypervisor.FindDomain("web").ShouldBeNull();
    }

    [Fact]
    public async Task An_update_re_renders_the_values_with_the_new_templates_and_keeps_the_password()
    {
        // Given
        await EngineAppliance.InstallAsync(Folder, Store, "1.0", configured: true);
        await EngineAppliance.InstallAsync(Folder, Store, "2.0", configured: true);
        await Service().DeployAsync(Request("mail_host=smtp.example.org", "greeting=hi", $"admin_password={Password}"), null, Ct);

        // When
        await Service().UpdateAsync("web", "2.0", null, null, null, Ct);

        // Then
        var record = await FindAsync("web");
        record.ConfigGeneration.ShouldBe(2);
        IsoFile(record.ConfigDisk!, "/files/etc/engine/app.conf").ShouldBe($"greeting=hi\nmail_host=smtp.example.org\npassword={Password}\n");
        File.Exists(record.ConfigDiskOf(1)).ShouldBeTrue("the rollback target's definition attaches it");
        (await Service().RollbackAsync("web", null, null, Ct)).To.ShouldBe("1.0-1");
        (await FindAsync("web")).ConfigGeneration.ShouldBe(1);
    }

    [Fact]
    public async Task An_update_to_a_version_that_needs_a_value_nobody_set_stops_before_it_changes_anything()
    {
        // Given
        await EngineAppliance.InstallAsync(Folder, Store, "1.0", configured: true);
        await EngineAppliance.InstallAsync(Folder, Store, "2.0", configured: true, extraParameter: "site_name");
        await Service().DeployAsync(Request("mail_host=smtp.example.org"), null, Ct);
        var before = await FindAsync("web");
        var xml = Driver.Hypervisor.GetXml("web", inactive: true);

        // When
        var error = await Should.ThrowAsync<InvalidInputException>(() => Service().UpdateAsync("web", "2.0", null, null, null, Ct));

        // Then
        error.Message.ShouldContain("site_name");
        error.Hint.ShouldNotBeNull().ShouldContain("update web --to 2.0 --set NAME=VALUE");
        (await FindAsync("web")).ShouldBeEquivalentTo(before);
        Driver.Hypervisor.GetXml("web", inactive: true).ShouldBe(xml);
        Driver.Hypervisor.GetState("web").State.ShouldBe(Hypervisor.DomainState.Running);
    }

    [Fact]
    public async Task An_update_takes_the_value_the_new_version_needs_from_its_set()
    {
        // Given
        await EngineAppliance.InstallAsync(Folder, Store, "1.0", configured: true);
        await EngineAppliance.InstallAsync(Folder, Store, "2.0", configured: true, extraParameter: "site_name");
        await Service().DeployAsync(Request("mail_host=smtp.example.org"), null, Ct);

        // When
        await Service().UpdateAsync("web", "2.0", ["site_name=Head office"], null, null, Ct);

        // Then
        var record = await FindAsync("web");
        record.Version.ShouldBe("2.0");
        record.SiteValues.ShouldBe(new Dictionary<string, string> { ["mail_host"] = "smtp.example.org", ["site_name"] = "Head office" });
    }

    [Fact]
    public async Task Config_set_stages_a_new_disk_and_apply_gives_it_to_the_VM()
    {
        // Given
        await EngineAppliance.InstallAsync(Folder, Store, "1.0", configured: true);
        await Service().DeployAsync(Request("mail_host=smtp.example.org", $"admin_password={Password}"), null, Ct);

        // When
        var staged = await Service().ConfigSetAsync("web", ["greeting=good day", "admin_password=Other-Secret-1"], [], Ct);
        var applied = await Service().ConfigApplyAsync("web", restart: true, null, null, Ct);

        // Then
        staged.HasPending.ShouldBeTrue();
        staged.Entries.Single(entry => entry.Name == "greeting").ShouldBe(new ConfigEntry("greeting", "string", "hello", "good day", "hello", true, false, true));
        staged.Entries.Single(entry => entry.Name == "admin_password").ShouldBe(new ConfigEntry("admin_password", "password", SiteValues.Mask, SiteValues.Mask, null, false, true, true));
        applied.Generation.ShouldBe(2);
        applied.Restarted.ShouldBeTrue();
        var record = await FindAsync("web");
        record.PendingValues.ShouldBeNull();
        IsoFile(record.ConfigDisk!, "/files/etc/engine/app.conf").ShouldBe("greeting=good day\nmail_host=smtp.example.org\npassword=Other-Secret-1\n");
        File.Exists(record.ConfigDiskOf(1)).ShouldBeFalse();
        Driver.Hypervisor.GetXml("web", inactive: true).ShouldContain("config-2.iso");
    }

    [Theory]
    [InlineData("stop")]
    [InlineData("disk")]
    [InlineData("define")]
    [InlineData("record")]
    [InlineData("start")]
    [InlineData("wait healthy")]
    public async Task A_failed_apply_goes_back_to_the_configuration_that_ran(string step)
    {
        // Given
        await EngineAppliance.InstallAsync(Folder, Store, "1.0", configured: true);
        await Service().DeployAsync(Request("mail_host=smtp.example.org"), null, Ct);
        await Service().ConfigSetAsync("web", ["greeting=good day"], [], Ct);
        var before = await FindAsync("web");
        var xml = Driver.Hypervisor.GetXml("web", inactive: true);
        FailStep = step;

        // When
        var error = await Should.ThrowAsync<IOException>(() => Service().ConfigApplyAsync("web", restart: true, null, null, Ct));

        // Then: generation 1 runs, the change still waits
        OperationFailure.FailedStep(error).ShouldBe($"config apply web: {step}");
        OperationFailure.FailedUndos(error).ShouldBeEmpty();
        (await FindAsync("web")).ShouldBeEquivalentTo(before);
        Driver.Hypervisor.GetXml("web", inactive: true).ShouldBe(xml);
        Driver.Hypervisor.GetState("web").State.ShouldBe(Hypervisor.DomainState.Running);
        File.Exists(before.PendingConfigDisk).ShouldBeTrue();
    }

    [Fact]
    public async Task A_new_VM_reuses_what_an_undeploy_kept_its_user_disk_and_its_values()
    {
        // Given a VM with data and values, undeployed with its data kept
        await EngineAppliance.InstallAsync(Folder, Store, "1.0", configured: true);
        await Service().DeployAsync(Request("mail_host=smtp.example.org", $"admin_password={Password}"), null, Ct);
        var userDisk = (await FindAsync("web")).Disks.Single(disk => disk.Role == Core.Descriptors.DiskRole.User).Path;
        Tools.Run("qemu-io", "-f", "raw", "-c", "write -P 0xcd 0 64k", userDisk);
        var bytes = Tools.Sha256(userDisk);
        var kept = await Service().UndeployAsync("web", deleteData: false, null, null, Ct);

        // When another VM is deployed on it, a value changed
        var vm = (await Service().DeployAsync(Request("greeting=again") with { Name = "web2", ReuseKept = "web" }, null, Ct)).Single();

        // Then it has the kept disk (same bytes, moved into its folder) and the kept values, password too
        var reused = vm.Record.Disks.Single(disk => disk.Role == Core.Descriptors.DiskRole.User);
        Tools.Sha256(reused.Path).ShouldBe(bytes);
        File.Exists(kept.UserDisks.Single()).ShouldBeFalse();
        IsoFile(vm.Record.ConfigDisk!, "/files/etc/engine/app.conf").ShouldBe($"greeting=again\nmail_host=smtp.example.org\npassword={Password}\n");
    }

    [Fact]
    public async Task Kept_data_whose_user_disks_do_not_match_the_appliance_is_refused_and_left_alone()
    {
        // Given a kept folder with a user disk the appliance does not have
        await EngineAppliance.InstallAsync(Folder, Store, "1.0", configured: true);
        var kept = Path.Combine(Store.KeptFolder, "old-20260101000000");
        Directory.CreateDirectory(kept);
        await File.WriteAllTextAsync(Path.Combine(kept, "user-photos.img"), "x", Ct);

        // When
        var error = await Should.ThrowAsync<InvalidInputException>(() =>
            Service().DeployAsync(Request("mail_host=smtp.example.org") with { ReuseKept = "old" }, null, Ct));

        // Then
        error.Message.ShouldContain("[photos]");
        error.Message.ShouldContain("wants [data]");
        File.Exists(Path.Combine(kept, "user-photos.img")).ShouldBeTrue();
        Driver.Hypervisor.FindDomain("web").ShouldBeNull();
    }

    [Fact]
    public async Task Two_VMs_of_one_appliance_get_their_own_identity()
    {
        // Given
        await EngineAppliance.InstallAsync(Folder, Store, "1.0", configured: true);

        // When
        var vms = await Service().DeployAsync(Request("mail_host=smtp.example.org") with { Count = 2 }, null, Ct);

        // Then
        var ids = vms.Select(vm => IsoFile(vm.Record.ConfigDisk!, "/meta-data")).ToList();
        ids[0].ShouldNotBe(ids[1]);
        ids[1].ShouldContain("local-hostname: web-2");
        IsoFile(vms[0].Record.ConfigDisk!, "/machine-id").ShouldNotBe(IsoFile(vms[1].Record.ConfigDisk!, "/machine-id"));
    }
}
