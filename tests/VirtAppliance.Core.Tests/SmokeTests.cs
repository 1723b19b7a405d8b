using Shouldly;
using VirtAppliance.Core.Errors;
using Xunit;

namespace VirtAppliance.Core.Tests;

public class SmokeTests
{
    [Fact]
    public void Exceptions_carry_their_hint()
    {
        var error = new NotFoundException("no such appliance") { Hint = "run 'virt-appliance list'" };
        error.Hint.ShouldBe("run 'virt-appliance list'");
    }
}
