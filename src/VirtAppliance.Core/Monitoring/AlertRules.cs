using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Monitoring;

/// <summary>
/// The level of a disk from its percent used, with hysteresis: a level is entered when the use reaches its
/// threshold and left only when the use falls <see cref="Hysteresis"/> points below it, so a disk hovering at
/// the line does not fire and clear on every pass.
/// </summary>
public static class AlertRules
{
    /// <summary>Points below a level's threshold the use must fall to leave the level.</summary>
    public const double Hysteresis = 5;

    /// <param name="previous">The level of the last watch pass (<see cref="AlertLevel.Ok"/> when no alert is active).</param>
    /// <param name="usedPercent">Percent used now; null when nothing could be measured (the level stays as it was).</param>
    public static AlertLevel Next(AlertLevel previous, double? usedPercent, DiskThreshold threshold)
    {
        ArgumentNullException.ThrowIfNull(threshold);
        if (usedPercent is not { } used)
            return previous;
        if (used >= threshold.Critical || (previous == AlertLevel.Critical && used >= threshold.Critical - Hysteresis))
            return AlertLevel.Critical;
        if (used >= threshold.Warning || (previous >= AlertLevel.Warning && used >= threshold.Warning - Hysteresis))
            return AlertLevel.Warning;
        return AlertLevel.Ok;
    }

    /// <summary>The level's spelling in the index, notifications and metrics.</summary>
    public static string Spell(AlertLevel level) => level switch
    {
        AlertLevel.Ok => "ok",
        AlertLevel.Warning => "warning",
        AlertLevel.Critical => "critical",
        _ => "unknown",
    };

    public static AlertLevel Parse(string level) => level switch
    {
        "warning" => AlertLevel.Warning,
        "critical" => AlertLevel.Critical,
        "ok" => AlertLevel.Ok,
        _ => AlertLevel.Unknown,
    };
}
