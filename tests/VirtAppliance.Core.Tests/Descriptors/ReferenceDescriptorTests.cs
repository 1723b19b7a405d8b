using Shouldly;
using VirtAppliance.Core.Descriptors;
using Xunit;

namespace VirtAppliance.Core.Tests.Descriptors;

public class ReferenceDescriptorTests
{
    public static TheoryData<string> AllReferenceFiles() =>
        new(Directory.GetFiles(TestData.VirtImage, "*.xml").Select(Path.GetFileName).OfType<string>().Order());

    [Theory]
    [MemberData(nameof(AllReferenceFiles))]
    public void Every_reference_descriptor_loads_without_errors(string file)
    {
        // Given a real descriptor from virt-image's own test suite or Thincrust/virtconv output
        var path = Path.Combine(TestData.VirtImage, file);

        // When it is loaded for describing
        var loaded = ApplianceLocator.Load(path, ValidationPurpose.Describe);

        // Then it has a model and no errors (warnings are allowed where virt-image tolerated oddities)
        loaded.Descriptor.ShouldNotBeNull();
        loaded.Problems.Where(problem => problem.Severity == Severity.Error).ShouldBeEmpty();
    }

    [Fact]
    public void Image_xml_has_both_boots_with_their_drives_and_the_disk_roles()
    {
        var descriptor = Load("image.xml");

        descriptor.Name.ShouldBe("test-image");
        descriptor.Label.ShouldBe("A simple test image");
        descriptor.Boots.Count.ShouldBe(2);
        var xen = descriptor.Boots[0];
        xen.Type.ShouldBe(BootType.Xen);
        xen.OsType.ShouldBe("xen");
        xen.Arch.ShouldBe("i686");
        xen.Features.ShouldBe([new FeatureRequirement("pae", true, xen.Features[0].Location)]);
        xen.Os.Loader.ShouldBe("pygrub");
        xen.Drives.Select(drive => (drive.DiskId, drive.Target)).ShouldBe([("root.raw", "xvda"), ("data.raw", "xvdb"), ("scratch.raw", "xvdc")]);
        var hvm = descriptor.Boots[1];
        hvm.Type.ShouldBe(BootType.Hvm);
        hvm.Os.HasLoader.ShouldBeTrue();
        hvm.Os.LoaderDevice.ShouldBe("hd");
        hvm.Drives.Select(drive => drive.Target).ShouldBe(["hda", "hdb", "hdd"]);
        descriptor.Devices.ShouldBe(new DeviceSettings { Vcpus = 7, MemoryKiB = 262144, Interfaces = 1, Graphics = true });
        descriptor.Disks.Select(disk => (disk.Id, disk.Role, disk.Format, disk.SizeMiB)).ShouldBe([
            ("disk.img", DiskRole.System, DiskFormat.Raw, null),
            ("", DiskRole.System, DiskFormat.Raw, 4096L),
            ("root.raw", DiskRole.Scratch, DiskFormat.Raw, 4096L),
            ("data.raw", DiskRole.Scratch, DiskFormat.Raw, 2048L),
            ("scratch.raw", DiskRole.Scratch, DiskFormat.Raw, 100L),
        ]);
        descriptor.Disks[1].Partitions.ShouldBe(["boot.img", "root.img"]);
    }

    [Fact]
    public void Data_is_an_alias_of_user_and_i386_means_i686()
    {
        var descriptor = Load("image-bad-arch.xml");

        descriptor.Boots.Single().Arch.ShouldBe("i686");
        descriptor.FindDisk("data.raw")!.Role.ShouldBe(DiskRole.User);
    }

    [Fact]
    public void Kernel_boot_keeps_kernel_initrd_and_cmdline()
    {
        var os = Load("image-kernel.xml").Boots.Single().Os;

        os.Kernel.ShouldBe("/foo/kernel");
        os.Initrd.ShouldBe("/foo/initrd");
        os.Cmdline.ShouldBe("ro quiet");
        os.HasLoader.ShouldBeFalse();
    }

    [Fact]
    public void Disk_ids_and_formats_are_read_as_written()
    {
        var descriptor = Load("image-format.xml");

        descriptor.Disks.Select(disk => (disk.Id, disk.File, disk.Format)).ShouldBe([
            ("mydisk1", "image-kernel.xml", DiskFormat.Qcow2),
            ("mydisk2", "image.xml", DiskFormat.Qcow),
            ("mydisk3", "image-format.xml", DiskFormat.Vmdk),
        ]);
    }

    [Fact]
    public void Two_interfaces_are_counted()
    {
        Load("image2nics.xml").Devices.Interfaces.ShouldBe(2);
    }

    [Fact]
    public void Relative_paths_resolve_against_the_descriptor_folder()
    {
        var descriptor = Load("image-format.xml");

        descriptor.ResolvePath("image.xml").ShouldBe(Path.Combine(TestData.VirtImage, "image.xml"));
    }

    [Fact]
    public void A_descriptor_without_name_is_a_warning_for_describing_and_an_error_for_use()
    {
        var path = Path.Combine(TestData.VirtImage, "cli-image.xml");

        var described = ApplianceLocator.Load(path, ValidationPurpose.Describe);
        var used = ApplianceLocator.Load(path, ValidationPurpose.Use);

        described.IsValid.ShouldBeTrue();
        described.Problems.ShouldContain(problem => problem.Message.Contains("no <name>") && problem.Severity == Severity.Warning);
        used.IsValid.ShouldBeFalse();
        used.Problems.ShouldContain(problem => problem.Message.Contains("is absolute") && problem.Severity == Severity.Error);
    }

    [Fact]
    public void Missing_disk_files_are_warnings_for_describing_and_errors_for_use()
    {
        var path = Path.Combine(TestData.VirtImage, "example1.xml");

        var described = ApplianceLocator.Load(path, ValidationPurpose.Describe);
        var used = ApplianceLocator.Load(path, ValidationPurpose.Use);

        described.Problems.ShouldContain(problem => problem.Message.Contains("'root.img' does not exist") && problem.Severity == Severity.Warning);
        used.Problems.ShouldContain(problem => problem.Message.Contains("'root.img' does not exist") && problem.Severity == Severity.Error);
    }

    private static ApplianceDescriptor Load(string file) =>
        ApplianceLocator.Load(Path.Combine(TestData.VirtImage, file), ValidationPurpose.Describe).Descriptor!;
}
