using Shouldly;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Monitoring;
using Xunit;

namespace VirtAppliance.Core.Tests.Monitoring;

/// <summary>Levels with hysteresis: entered at the threshold, left only 5 points below it.</summary>
public class AlertRulesTests
{
    private static readonly DiskThreshold Levels = new(80, 90);

    [Theory]
    [InlineData(AlertLevel.Ok, 79.9, AlertLevel.Ok)]
    [InlineData(AlertLevel.Ok, 80, AlertLevel.Warning)]
    [InlineData(AlertLevel.Ok, 95, AlertLevel.Critical)]
    [InlineData(AlertLevel.Warning, 76, AlertLevel.Warning)]
    [InlineData(AlertLevel.Warning, 75, AlertLevel.Warning)]
    [InlineData(AlertLevel.Warning, 74.9, AlertLevel.Ok)]
    [InlineData(AlertLevel.Warning, 90, AlertLevel.Critical)]
    [InlineData(AlertLevel.Critical, 86, AlertLevel.Critical)]
    [InlineData(AlertLevel.Critical, 84.9, AlertLevel.Warning)]
    [InlineData(AlertLevel.Critical, 70, AlertLevel.Ok)]
    public void A_level_is_entered_at_its_threshold_and_left_five_points_below(AlertLevel previous, double used, AlertLevel expected) =>
        AlertRules.Next(previous, used, Levels).ShouldBe(expected);

    [Fact]
    public void A_disk_hovering_at_the_warning_line_stays_in_warning_instead_of_flapping()
    {
        // Given a disk that reaches 80 % and then wobbles around it
        var readings = new[] { 78, 80.5, 79.5, 80.2, 77, 79.9, 76 };

        // When each reading is a watch pass
        var level = AlertLevel.Ok;
        var levels = new List<AlertLevel>();
        foreach (var used in readings)
            levels.Add(level = AlertRules.Next(level, used, Levels));

        // Then it fired once and never cleared
        levels.ShouldBe([AlertLevel.Ok, AlertLevel.Warning, AlertLevel.Warning, AlertLevel.Warning, AlertLevel.Warning, AlertLevel.Warning, AlertLevel.Warning]);
    }

    [Fact]
    public void Nothing_measured_keeps_the_level()
    {
        AlertRules.Next(AlertLevel.Critical, null, Levels).ShouldBe(AlertLevel.Critical);
        AlertRules.Next(AlertLevel.Ok, null, Levels).ShouldBe(AlertLevel.Ok);
    }

    [Theory]
    [InlineData(80, 90, null)]
    [InlineData(90, 90, null)]
    [InlineData(95, 90, "the warning level (95) is above the critical one (90)")]
    [InlineData(0, 90, "levels are percentages from 1 to 100")]
    [InlineData(80, 101, "levels are percentages from 1 to 100")]
    public void Levels_are_percentages_with_the_warning_first(int warning, int critical, string? problem) =>
        DiskThreshold.Problem(warning, critical).ShouldBe(problem);
}
