using System.Xml.Linq;
using Shouldly;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Images;
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

    [Theory]
    [MemberData(nameof(AllReferenceFiles))]
    public void The_model_of_every_reference_descriptor_says_what_its_file_says(string file)
    {
        // Given the raw XML, read with no knowledge of our model
        var path = Path.Combine(TestData.VirtImage, file);
        var raw = XDocument.Load(path).Root!;

        // When our reader reads it
        var descriptor = DescriptorReader.ReadFile(path).Descriptor!;

        // Then name, boots, drives, devices and disks match the file element for element
        descriptor.Name.ShouldBe(raw.Element("name")?.Value.Trim());
        var boots = raw.Element("domain")!.Elements("boot").ToList();
        descriptor.Boots.Select(boot => boot.Type.ToString().ToLowerInvariant()).ShouldBe(boots.Select(boot => (string)boot.Attribute("type")!));
        for (var index = 0; index < boots.Count; index++)
        {
            var drives = boots[index].Elements("drive").ToList();
            descriptor.Boots[index].Drives.Select(drive => drive.DiskId).ShouldBe(drives.Select(drive => (string)drive.Attribute("disk")!));
            descriptor.Boots[index].Drives.Where(drive => !drive.TargetWasDefaulted).Select(drive => drive.Target)
                .ShouldBe(drives.Select(drive => (string?)drive.Attribute("target")).OfType<string>());
            descriptor.Boots[index].Features.Select(feature => feature.Name)
                .ShouldBe(boots[index].Element("guest")!.Element("features")?.Elements().Select(feature => feature.Name.LocalName) ?? []);
        }
        var devices = raw.Element("domain")!.Element("devices")!;
        descriptor.Devices.Vcpus.ShouldBe((int)devices.Element("vcpu")!);
        descriptor.Devices.MemoryKiB.ShouldBe((long)devices.Element("memory")!);
        descriptor.Devices.Interfaces.ShouldBe(devices.Elements("interface").Count());
        descriptor.Devices.Graphics.ShouldBe(devices.Element("graphics") is not null);
        var disks = raw.Element("storage")!.Elements("disk").ToList();
        descriptor.Disks.Select(disk => disk.File).ShouldBe(disks.Select(disk => (string?)disk.Attribute("file")));
        descriptor.Disks.Select(disk => disk.Format.ToString().ToLowerInvariant()).ShouldBe(disks.Select(disk => (string?)disk.Attribute("format") ?? "raw"));
        descriptor.Disks.Select(disk => disk.SizeMiB).ShouldBe(disks.Select(disk => (long?)disk.Attribute("size")));
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
