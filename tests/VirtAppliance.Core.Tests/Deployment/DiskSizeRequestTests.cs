using Shouldly;
using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Errors;
using Xunit;

namespace VirtAppliance.Core.Tests.Deployment;

public class DiskSizeRequestTests
{
    private const long MiB = 1024 * 1024;

    [Theory]
    [InlineData("20G", 0, 20L * 1024 * MiB)]
    [InlineData("20GiB", 0, 20L * 1024 * MiB)]
    [InlineData("512M", 0, 512 * MiB)]
    [InlineData("512m", 0, 512 * MiB)]
    [InlineData("1T", 0, 1024L * 1024 * MiB)]
    [InlineData("10GB", 0, 10_000_000_000)]
    [InlineData("+5G", 64 * MiB, 64 * MiB + 5L * 1024 * MiB)]
    [InlineData("+1K", 1000, 2048)] // 1000 + 1024, rounded up to whole sectors
    [InlineData(" 100M ", 0, 100 * MiB)]
    public void A_size_with_a_unit_gives_the_target_in_whole_sectors(string text, long current, long expected) =>
        DiskSizeRequest.Parse(text).TargetFor(current).ShouldBe(expected);

    [Theory]
    [InlineData("300")] // no unit: bytes for qemu-img, KiB for virsh
    [InlineData("0G")]
    [InlineData("-5G")]
    [InlineData("5 parsecs")]
    [InlineData("G")]
    [InlineData("")]
    [InlineData("99999999999999999T")]
    public void Anything_else_is_refused_with_what_to_write(string text)
    {
        var error = Should.Throw<InvalidInputException>(() => DiskSizeRequest.Parse(text));
        error.Hint.ShouldNotBeNull().ShouldContain("+5G");
    }
}
