namespace VirtAppliance.Core.Monitoring;

/// <summary>What happened to a disk's alert in a watch pass.</summary>
public enum AlertChange
{
    /// <summary>It crossed a level from ok.</summary>
    Fired,

    /// <summary>It went from warning to critical.</summary>
    Raised,

    /// <summary>It went from critical back to warning (below critical − hysteresis).</summary>
    Lowered,

    /// <summary>It fell below warning − hysteresis: the alert is over.</summary>
    Cleared,
}
