namespace VirtAppliance.Core.Monitoring;

/// <summary>The appliance's health check, evaluated once.</summary>
public enum HealthState
{
    /// <summary>The appliance declares no health check.</summary>
    Unknown,

    /// <summary>Every check passes.</summary>
    Healthy,

    /// <summary>The VM runs but a check fails.</summary>
    Unhealthy,

    /// <summary>The VM does not run.</summary>
    Stopped,
}
