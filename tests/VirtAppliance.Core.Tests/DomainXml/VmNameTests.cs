using Shouldly;
using VirtAppliance.Core.DomainXml;
using VirtAppliance.Core.Errors;
using Xunit;

namespace VirtAppliance.Core.Tests.DomainXml;

public class VmNameTests
{
    [Theory]
    [InlineData("web")]
    [InlineData("web-1")]
    [InlineData("Wiki_2.4")]
    [InlineData("0")]
    [InlineData("a23456789012345678901234567890123456789012345678901234567890")]
    public void Letters_digits_dot_underscore_and_dash_up_to_60_are_valid(string name)
    {
        VmName.IsValid(name).ShouldBeTrue();
        Should.NotThrow(() => VmName.Check(name));
    }

    [Theory]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData(".hidden")]
    [InlineData("_x")]
    [InlineData("a/b")]
    [InlineData("a b")]
    [InlineData("web\n")]
    [InlineData("wéb")]
    public void Anything_else_is_invalid_input_with_the_hint(string? name)
    {
        VmName.IsValid(name).ShouldBeFalse();
        Should.Throw<InvalidInputException>(() => VmName.Check(name)).Hint.ShouldBe(VmName.Hint);
    }
}
