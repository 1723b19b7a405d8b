using Shouldly;
using VirtAppliance.Core.Store;
using Xunit;

namespace VirtAppliance.Core.Tests.Store;

/// <summary>Cases from rpm's own rpmvercmp test table (tests/rpmvercmp.at), minus the caret, which our versions cannot contain.</summary>
public class VersionOrderTests
{
    [Theory]
    [InlineData("1.0", "1.0", 0)]
    [InlineData("1.0", "2.0", -1)]
    [InlineData("2.0", "1.0", 1)]
    [InlineData("2.0.1", "2.0.1", 0)]
    [InlineData("2.0", "2.0.1", -1)]
    [InlineData("2.0.1a", "2.0.1", 1)]
    [InlineData("5.5p1", "5.5p2", -1)]
    [InlineData("5.5p10", "5.5p1", 1)]
    [InlineData("10xyz", "10.1xyz", -1)]
    [InlineData("xyz10", "xyz10.1", -1)]
    [InlineData("xyz.4", "8", -1)]
    [InlineData("8", "xyz.4", 1)]
    [InlineData("5.5p1", "5.5.p1", 0)]
    [InlineData("10.0", "9.2", 1)]
    [InlineData("1.010", "1.9", 1)]
    [InlineData("1.05", "1.5", 0)]
    [InlineData("1.0~rc1", "1.0", -1)]
    [InlineData("1.0~rc1", "1.0~rc2", -1)]
    [InlineData("1.0~rc1~git123", "1.0~rc1", -1)]
    [InlineData("1.0", "1.0~rc1", 1)]
    [InlineData("a", "b", -1)]
    [InlineData("1.0a", "1.0b", -1)]
    [InlineData("1.0_1", "1.0.1", 0)]
    [InlineData("1.0+1", "1.0.1", 0)]
    public void Versions_order_as_rpm_orders_them(string left, string right, int expected)
    {
        VersionOrder.Compare(left, right).ShouldBe(expected);
        VersionOrder.Compare(right, left).ShouldBe(-expected);
    }

    [Fact]
    public void The_release_decides_between_equal_versions()
    {
        VersionOrder.Compare("2.0", "10", "2.0", "9").ShouldBe(1);
        VersionOrder.Compare("1.9", "99", "1.10", "1").ShouldBe(-1);
    }
}
