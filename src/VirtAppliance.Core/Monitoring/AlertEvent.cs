using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Monitoring;

/// <summary>One change of a disk's alert, as notifications carry it (the webhook's JSON body is this record, snake_case).</summary>
/// <param name="Level">The level now (<see cref="AlertLevel.Ok"/> when cleared).</param>
/// <param name="PreviousLevel">The level before.</param>
/// <param name="UsedPercent">Percent used that made the change.</param>
public sealed record AlertEvent(
    string Vm,
    string Disk,
    string Target,
    AlertChange Change,
    AlertLevel Level,
    AlertLevel PreviousLevel,
    double UsedPercent,
    UsageBasis Basis,
    DiskThreshold Threshold,
    DateTimeOffset At)
{
    /// <summary>One line for a person: a mail's subject, a log line.</summary>
    public string Summary => Change switch
    {
        AlertChange.Cleared => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Vm}: disk {Disk} is back to {UsedPercent:0.#}% used (alert cleared)"),
        _ => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Vm}: disk {Disk} is {UsedPercent:0.#}% used ({AlertRules.Spell(Level).ToUpperInvariant()}, levels {Threshold.Warning}/{Threshold.Critical}%)"),
    };
}
