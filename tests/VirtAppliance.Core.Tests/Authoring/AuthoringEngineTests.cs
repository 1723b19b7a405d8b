using Shouldly;
using VirtAppliance.Core.Authoring;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Images;
using VirtAppliance.Core.Services;
using VirtAppliance.Core.Tests.Deployment;
using VirtAppliance.Core.Tests.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Authoring;

/// <summary>init through <see cref="AuthoringService"/>: real images made with qemu-img, domains on libvirt's test:///default driver.</summary>
[Collection(TestDriver.Collection)]
public sealed class AuthoringEngineTests : IDisposable
{
    private readonly TestFolder folder = new();
    private readonly TestDriver driver = new();

    public AuthoringEngineTests()
    {
        foreach (var domain in driver.Hypervisor.ListDomains().Where(domain => domain.Name != "test"))
        {
            if (domain.Status.IsActive)
                driver.Hypervisor.Destroy(domain.Name);
            driver.Hypervisor.Undefine(domain.Name);
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private AuthoringService Service => new(driver);

    public void Dispose()
    {
        driver.Dispose();
        folder.Dispose();
    }

    [Fact]
    public async Task A_shut_off_domain_becomes_an_appliance_folder_with_its_disks_copied_and_what_was_left_listed()
    {
        // Given a shut-off domain with a qcow2 system disk, a raw user disk, a CD-ROM, a network disk, a TPM, a passthrough device and NUMA
        var images = folder["images"];
        Directory.CreateDirectory(images);
        Tools.Run("qemu-img", "create", "-q", "-f", "qcow2", Path.Combine(images, "web-root.qcow2"), "64M");
        Tools.Run("qemu-img", "create", "-q", "-f", "raw", Path.Combine(images, "web-data.raw"), "8M");
        Tools.Run("qemu-io", "-f", "raw", "-c", "write -P 0x5a 1M 64k", Path.Combine(images, "web-data.raw"));
        driver.Hypervisor.Define($"""
            <domain type='test'>
              <name>web01</name>
              <description>the web server</description>
              <memory unit='MiB'>512</memory>
              <vcpu>2</vcpu>
              <os><type arch='i686'>hvm</type><boot dev='hd'/></os>
              <features><acpi/><pae/></features>
              <cpu><topology sockets='1' cores='2' threads='1'/><numa><cell id='0' cpus='0-1' memory='512' unit='MiB'/></numa></cpu>
              <devices>
                <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='{images}/web-root.qcow2'/><target dev='vda' bus='virtio'/></disk>
                <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='{images}/web-data.raw'/><target dev='vdb' bus='virtio'/></disk>
                <disk type='file' device='cdrom'><source file='/isos/install.iso'/><target dev='hdc' bus='ide'/><readonly/></disk>
                <disk type='network' device='disk'><source protocol='nbd' name='shared'><host name='nbd.example.test' port='10809'/></source><target dev='vdc' bus='virtio'/></disk>
                <interface type='network'><mac address='52:54:00:12:34:56'/><source network='default'/><model type='virtio'/></interface>
                <graphics type='vnc' port='-1'/>
                <hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/></source></hostdev>
                <tpm model='tpm-tis'><backend type='passthrough'><device path='/dev/tpm0'/></backend></tpm>
              </devices>
            </domain>
            """);
        var target = folder["appliance"];

        // When init reads it from the test driver
        var result = await Service.InitFromDomainAsync(new DomainInitRequest(target, "web01", TestDriver.Uri) { Name = "web", Version = "2.1" }, null, Ct);

        // Then the folder validates as pack would check it
        var loaded = ApplianceLocator.Load(target, ValidationPurpose.Use);
        loaded.Problems.Where(problem => problem.Severity == Severity.Error).ShouldBeEmpty();
        var descriptor = loaded.Descriptor.ShouldNotBeNull();
        descriptor.DisplayName.ShouldBe("web@2.1");
        descriptor.Description.ShouldBe("the web server");
        descriptor.Devices.MemoryKiB.ShouldBe(512 * 1024);
        descriptor.Devices.Vcpus.ShouldBe(2);
        descriptor.Devices.Interfaces.ShouldBe(1);
        descriptor.Devices.Graphics.ShouldBeTrue();
        var boot = descriptor.Boots.ShouldHaveSingleItem();
        boot.Arch.ShouldBe("i686");
        boot.Features.Select(feature => feature.Name).ShouldBe(["acpi", "pae"]);
        boot.Drives.Select(drive => (drive.DiskId, drive.Target)).ShouldBe([("web-root", "vda"), ("web-data", "vdb")]);
        // and the disks are copies in their own format, sparse, with the digests of what was copied
        descriptor.Disks.Select(disk => (disk.File, disk.Role, disk.Format)).ShouldBe(
            [("web-root.qcow2", DiskRole.System, DiskFormat.Qcow2), ("web-data.img", DiskRole.User, DiskFormat.Raw)]);
        foreach (var disk in descriptor.Disks)
            disk.Checksum.ShouldBe(new DiskChecksum("sha256", Tools.Sha256(Path.Combine(target, disk.File!))));
        Tools.Sha256(Path.Combine(target, "web-data.img")).ShouldBe(Tools.Sha256(Path.Combine(images, "web-data.raw")));
        Tools.AllocatedBytes(Path.Combine(target, "web-data.img")).ShouldBeLessThan(1024 * 1024, "the copy keeps the holes");
        // and what could not come along is listed
        result.NotCarried.ShouldContain("cdrom hdc (/isos/install.iso)");
        result.NotCarried.ShouldContain(item => item.StartsWith("disk vdc: a network disk (protocol nbd, name shared)", StringComparison.Ordinal));
        result.NotCarried.ShouldContain("interface 1: MAC address 52:54:00:12:34:56 (deploy gives each VM its own)");
        result.NotCarried.ShouldContain("interface 1: attached to network 'default' (site-specific: deploy --network chooses)");
        result.NotCarried.ShouldContain("host device passthrough (pci domain 0x0000 bus 0x03 slot 0x00 function 0x0)");
        result.NotCarried.ShouldContain("TPM (tpm-tis)");
        result.NotCarried.ShouldContain("NUMA topology (<cpu><numa>)");
        // and nothing is left beside the folder
        Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName).Order().ShouldBe(["appliance", "images"]);
    }

    [Fact]
    public async Task A_running_domain_is_refused_and_nothing_is_written()
    {
        // Given the test driver's own domain "test", which runs
        var target = folder["appliance"];

        // When
        var error = await Should.ThrowAsync<ConflictException>(() => Service.InitFromDomainAsync(new DomainInitRequest(target, "test", TestDriver.Uri), null, Ct));

        // Then
        error.Hint.ShouldNotBeNull().ShouldContain("shutdown test");
        Directory.Exists(target).ShouldBeFalse();
    }

    [Fact]
    public async Task A_domain_that_does_not_exist_is_not_found()
    {
        await Should.ThrowAsync<NotFoundException>(() => Service.InitFromDomainAsync(new DomainInitRequest(folder["appliance"], "nosuch", TestDriver.Uri), null, Ct));
    }

    [Fact]
    public async Task Disk_images_become_an_appliance_converted_with_a_backing_chain_flattened_and_a_scratch_disk_kept_as_a_size()
    {
        // Given a raw base with data, a qcow2 overlay on it, a raw user disk and a scratch image
        Tools.Run("qemu-img", "create", "-q", "-f", "raw", folder["base.raw"], "16M");
        Tools.Run("qemu-io", "-f", "raw", "-c", "write -P 0x11 0 64k", folder["base.raw"]);
        Tools.Run("qemu-img", "create", "-q", "-f", "qcow2", "-b", folder["base.raw"], "-F", "raw", folder["root.qcow2"]);
        Tools.Run("qemu-img", "create", "-q", "-f", "raw", folder["data.img"], "4M");
        Tools.Run("qemu-img", "create", "-q", "-f", "raw", folder["tmp.img"], "3M");
        var target = folder["out"];

        // When
        var result = await Service.InitAsync(new InitRequest(target, [new(folder["root.qcow2"], null), new(folder["data.img"], null), new(folder["tmp.img"], DiskRole.Scratch)])
        {
            Name = "app",
            Memory = "1G",
            Vcpus = 2,
            Arch = "x86_64",
            HealthConsole = "^ready",
        }, null, Ct);

        // Then the overlay was flattened into a standalone qcow2 holding the base's data
        var root = result.Disks[0];
        (root.Converted, root.Format, root.File).ShouldBe((true, DiskFormat.Qcow2, "root.qcow2"));
        Tools.Run("qemu-img", "info", "--output=json", Path.Combine(target, "root.qcow2")).ShouldNotContain("backing-filename");
        Tools.Run("qemu-img", "compare", "-f", "raw", "-F", "qcow2", folder["base.raw"], Path.Combine(target, "root.qcow2"));
        // and the raw disk is a plain copy, the scratch disk only a size
        (result.Disks[1].Converted, result.Disks[1].Format, result.Disks[1].Role).ShouldBe((false, DiskFormat.Raw, DiskRole.User));
        result.Disks[2].File.ShouldBeNull();
        var descriptor = ApplianceLocator.Load(target, ValidationPurpose.Use).Require();
        descriptor.Disks[2].ShouldSatisfyAllConditions(scratch => scratch.Role.ShouldBe(DiskRole.Scratch), scratch => scratch.SizeMiB.ShouldBe(3));
        descriptor.Boots[0].Drives.Select(drive => drive.Target).ShouldBe(["vda", "vdb", "vdc"]);
        descriptor.Boots[0].Os.LoaderDevice.ShouldBe("hd");
        descriptor.Boots[0].Features.Select(feature => feature.Name).ShouldBe(["acpi", "apic"]);
        descriptor.Devices.ShouldBe(new DeviceSettings { MemoryKiB = 1024 * 1024, Vcpus = 2, Interfaces = 1 });
        descriptor.Health.ShouldNotBeNull().ConsolePattern.ShouldBe("^ready");
        Directory.GetFiles(target).Select(Path.GetFileName).Order().ShouldBe(["appliance.xml", "data.img", "root.qcow2"]);
    }

    [Fact]
    public async Task Convert_raw_turns_every_disk_into_raw()
    {
        // Given
        Tools.Run("qemu-img", "create", "-q", "-f", "qcow2", folder["root.qcow2"], "8M");

        // When
        var result = await Service.InitAsync(new InitRequest(folder["out"], [new(folder["root.qcow2"], null)]) { Name = "app", Memory = "256M", Convert = DiskFormat.Raw }, null, Ct);

        // Then
        result.Disks[0].ShouldSatisfyAllConditions(disk => disk.Format.ShouldBe(DiskFormat.Raw), disk => disk.File.ShouldBe("root.img"));
        Tools.Run("qemu-img", "info", "--output=json", folder["out/root.img"]).ShouldContain("\"format\": \"raw\"");
    }

    [Fact]
    public async Task A_folder_that_is_not_empty_is_refused_unless_forced_and_then_replaced_whole()
    {
        // Given a folder with a file in it
        Tools.Run("qemu-img", "create", "-q", "-f", "raw", folder["root.img"], "4M");
        var target = folder["out"];
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "old.txt"), "old");
        InitRequest Request(bool force) => new(target, [new(folder["root.img"], null)]) { Name = "app", Memory = "256M", Force = force };

        // When / Then it is refused and left alone
        var error = await Should.ThrowAsync<ConflictException>(() => Service.InitAsync(Request(force: false), null, Ct));
        error.Hint.ShouldNotBeNull().ShouldContain("--force");
        File.Exists(Path.Combine(target, "old.txt")).ShouldBeTrue();

        // When forced, the folder holds the appliance only
        await Service.InitAsync(Request(force: true), null, Ct);
        Directory.GetFiles(target).Select(Path.GetFileName).Order().ShouldBe(["appliance.xml", "root.img"]);
        Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName).Order().ShouldBe(["out", "root.img"]);
    }

    [Fact]
    public async Task A_failure_part_way_leaves_no_folder_and_no_staging_behind()
    {
        // Given two disks, and Ctrl-C once the first is copied
        Tools.Run("qemu-img", "create", "-q", "-f", "raw", folder["root.img"], "4M");
        Tools.Run("qemu-img", "create", "-q", "-f", "raw", folder["data.img"], "4M");
        using var cancel = new CancellationTokenSource();
        var progress = new Progress(line => { if (line.Contains("disk 2/2", StringComparison.Ordinal)) cancel.Cancel(); });

        // When
        await Should.ThrowAsync<OperationCanceledException>(() =>
            Service.InitAsync(new InitRequest(folder["out"], [new(folder["root.img"], null), new(folder["data.img"], null)]) { Name = "app", Memory = "256M" }, progress, cancel.Token));

        // Then
        Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName).Order().ShouldBe(["data.img", "root.img"]);
    }

    [Fact]
    public async Task A_missing_disk_file_is_not_found_and_nothing_is_written()
    {
        await Should.ThrowAsync<NotFoundException>(() =>
            Service.InitAsync(new InitRequest(folder["out"], [new(folder["nope.img"], null)]) { Name = "app", Memory = "256M" }, null, Ct));
        Directory.Exists(folder["out"]).ShouldBeFalse();
    }

    [Fact]
    public async Task A_name_a_descriptor_cannot_have_is_refused_before_anything_is_copied()
    {
        Tools.Run("qemu-img", "create", "-q", "-f", "raw", folder["root.img"], "4M");

        var error = await Should.ThrowAsync<DescriptorInvalidException>(() =>
            Service.InitAsync(new InitRequest(folder["out"], [new(folder["root.img"], null)]) { Name = "my app", Memory = "256M" }, null, Ct));

        error.Problems.ShouldContain(problem => problem.Message.Contains("'my app'", StringComparison.Ordinal));
        Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName).ShouldBe(["root.img"]);
    }

    /// <summary>Reports in line (Progress&lt;T&gt; would post to the thread pool, too late to cancel the step).</summary>
    private sealed class Progress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
