namespace VirtAppliance.Core.Monitoring;

/// <summary>How full a disk is against its thresholds; ordered, worst last.</summary>
public enum AlertLevel
{
    /// <summary>Nothing could be measured.</summary>
    Unknown,

    Ok,

    Warning,

    Critical,
}
