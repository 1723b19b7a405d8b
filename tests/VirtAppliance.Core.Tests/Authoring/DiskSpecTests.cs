using Shouldly;
using VirtAppliance.Core.Authoring;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Tests.Packaging;
using Xunit;

namespace VirtAppliance.Core.Tests.Authoring;

public class DiskSpecTests
{
    [Theory]
    [InlineData("root.img:system", "root.img", DiskRole.System)]
    [InlineData("/srv/data.qcow2:user", "/srv/data.qcow2", DiskRole.User)]
    [InlineData("data.img:data", "data.img", DiskRole.User)]
    [InlineData("tmp.raw:scratch", "tmp.raw", DiskRole.Scratch)]
    [InlineData("/srv/a:b/disk.img:scratch", "/srv/a:b/disk.img", DiskRole.Scratch)]
    public void A_role_after_the_last_colon_is_read(string text, string path, DiskRole role)
    {
        // When
        var spec = DiskSpec.Parse(text);

        // Then
        spec.ShouldBe(new DiskSpec(path, role));
    }

    [Fact]
    public void A_disk_without_a_role_gets_none()
    {
        DiskSpec.Parse("root.img").ShouldBe(new DiskSpec("root.img", null));
    }

    [Fact]
    public void A_file_whose_name_has_a_colon_is_taken_whole()
    {
        // Given a file called disk:1.img
        using var folder = new TestFolder();
        var path = folder["disk:1.img"];
        File.WriteAllText(path, "");

        // When / Then
        DiskSpec.Parse(path).ShouldBe(new DiskSpec(path, null));
    }

    [Fact]
    public void A_mistyped_role_is_refused_with_the_role_it_resembles()
    {
        // When
        var error = Should.Throw<InvalidInputException>(() => DiskSpec.Parse("root.img:sytem"));

        // Then
        error.Message.ShouldContain("'sytem' is not a disk role");
        error.Hint.ShouldNotBeNull().ShouldContain("did you mean 'system'?");
    }

    [Fact]
    public void Without_roles_the_first_disk_is_the_system_disk_and_the_others_user_disks()
    {
        // Given
        DiskSpec[] disks = [new("a.img", null), new("b.img", null), new("c.img", DiskRole.Scratch), new("d.img", null)];

        // When / Then
        DiskSpec.RolesOf(disks).ShouldBe([DiskRole.System, DiskRole.User, DiskRole.Scratch, DiskRole.User]);
    }

    [Fact]
    public void A_role_given_for_the_first_disk_wins()
    {
        DiskSpec.RolesOf([new("a.img", DiskRole.User), new("b.img", DiskRole.System)]).ShouldBe([DiskRole.User, DiskRole.System]);
    }

    [Theory]
    [InlineData("512M", 512 * 1024)]
    [InlineData("512", 512 * 1024)]
    [InlineData("1G", 1024 * 1024)]
    [InlineData("2GiB", 2 * 1024 * 1024)]
    [InlineData("1536MiB", 1536 * 1024)]
    [InlineData("1g", 1024 * 1024)]
    [InlineData("1000MB", 976563)]
    public void Memory_sizes_read_as_users_write_them(string text, long kib)
    {
        MemorySize.ParseKiB(text).ShouldBe(kib);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("1Gx")]
    [InlineData("-1G")]
    [InlineData("G")]
    public void What_is_not_a_memory_size_is_refused(string text)
    {
        Should.Throw<InvalidInputException>(() => MemorySize.ParseKiB(text)).Hint.ShouldNotBeNull();
    }
}
