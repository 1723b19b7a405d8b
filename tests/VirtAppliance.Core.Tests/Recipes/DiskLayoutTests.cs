using Shouldly;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Recipes;
using Xunit;

namespace VirtAppliance.Core.Tests.Recipes;

public class DiskLayoutTests
{
    private static readonly ApplianceDescriptor Descriptor = new()
    {
        Name = "calendar",
        Disks =
        [
            new DiskDescriptor { Id = "system", Role = DiskRole.System, SizeMiB = 2048 },
            new DiskDescriptor { Id = "data", Role = DiskRole.User, SizeMiB = 512 },
            new DiskDescriptor { Id = "scratch", Role = DiskRole.Scratch, SizeMiB = 64 },
        ],
        Boots = [new BootDescriptor { Drives = [new DriveMapping("system", "vda", false, default), new DriveMapping("data", "vdb", false, default)] }],
    };

    [Fact]
    public void Fixed_partitions_come_first_in_order_and_the_growing_one_takes_the_rest()
    {
        var problems = new List<RecipeProblem>();
        var disks = DiskLayout.Plan("calendar", Descriptor, Kickstart(
            Part("/", 1000, grow: true, onDisk: "system"), Part("swap", 256, fsType: "swap", onDisk: "vda"), Part("/var/lib/postgresql", 100, grow: true, onDisk: "vdb")), problems);

        problems.ShouldBeEmpty();
        var system = disks.Single(disk => disk.Disk.Id == "system").Partitions;
        system.Select(part => (part.MountPoint, part.StartMiB, part.SizeMiB)).ShouldBe([("/", 1L, 2048L - 2 - 256), ("swap", 1L + 2048 - 2 - 256, 256L)]);
        disks.Single(disk => disk.Disk.Id == "data").Partitions.Single().SizeMiB.ShouldBe(510);
        disks.Single(disk => disk.Disk.Id == "scratch").Partitions.ShouldBeEmpty();
    }

    [Fact]
    public void Maxsize_caps_a_growing_partition()
    {
        var problems = new List<RecipeProblem>();
        var disks = DiskLayout.Plan("calendar", Descriptor, Kickstart(Part("/", 500, grow: true, maxSize: 800)), problems);

        problems.ShouldBeEmpty();
        disks[0].Partitions.Single().SizeMiB.ShouldBe(800);
    }

    [Fact]
    public void Identities_depend_on_the_appliance_and_mount_point_never_on_the_version()
    {
        var one = DiskLayout.Plan("calendar", Descriptor with { Version = "1.0" }, Kickstart(Part("/", 500)), []);
        var two = DiskLayout.Plan("calendar", Descriptor with { Version = "1.1" }, Kickstart(Part("/", 500)), []);
        var other = DiskLayout.Plan("mail", Descriptor, Kickstart(Part("/", 500)), []);

        two[0].Partitions[0].FileSystemUuid.ShouldBe(one[0].Partitions[0].FileSystemUuid);
        other[0].Partitions[0].FileSystemUuid.ShouldNotBe(one[0].Partitions[0].FileSystemUuid);
        one[0].Partitions[0].FileSystemUuid.ShouldMatch("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$");
    }

    [Theory]
    [InlineData("xfs", "build cannot make a xfs file system for /srv")]
    [InlineData("vfat", "build cannot make a vfat file system for /srv")]
    public void File_systems_build_cannot_fill_without_mounting_are_refused(string fsType, string message)
    {
        var problems = new List<RecipeProblem>();
        DiskLayout.Plan("calendar", Descriptor, Kickstart(Part("/", 500), Part("/srv", 10, fsType: fsType)), problems);

        problems.Single().Message.ShouldBe(message);
        problems.Single().Location.Line.ShouldBe(2);
    }

    [Fact]
    public void Scratch_disks_and_two_growing_partitions_are_refused()
    {
        var problems = new List<RecipeProblem>();
        DiskLayout.Plan("calendar", Descriptor, Kickstart(Part("/", 500, grow: true), Part("/srv", 10, grow: true), Part("/tmp/x", 10, onDisk: "scratch")), problems);

        problems.Select(problem => problem.Message).ShouldBe(
        [
            "part /tmp/x is on scratch disk 'scratch', which deploy recreates empty",
            "a second --grow partition on disk 'system'",
        ], ignoreOrder: true);
    }

    private static Kickstart Kickstart(params KickstartPartition[] parts) =>
        new() { Path = "calendar.ks", Partitions = [.. parts.Select((part, index) => part with { Location = new SourceLocation("calendar.ks", index + 1, 1) })] };

    private static KickstartPartition Part(string mountPoint, long size, bool grow = false, long? maxSize = null, string fsType = "ext4", string? onDisk = null) =>
        new(mountPoint, size, grow, maxSize, fsType, onDisk, null, null, default);
}
