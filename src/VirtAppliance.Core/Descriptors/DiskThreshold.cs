namespace VirtAppliance.Core.Descriptors;

/// <summary>
/// When a disk counts as filling up: percent used at which it is a warning and at which it is critical
/// (of the file system where the guest reports it, else of the image's allocation against its capacity).
/// </summary>
public sealed record DiskThreshold(int Warning, int Critical)
{
    /// <summary>What a disk gets when neither the appliance nor the site says otherwise.</summary>
    public static DiskThreshold Default { get; } = new(80, 90);

    /// <summary>A level is a percentage from 1 to 100 and the warning comes first; otherwise why not.</summary>
    public static string? Problem(int warning, int critical) =>
        warning is < 1 or > 100 || critical is < 1 or > 100 ? "levels are percentages from 1 to 100"
        : warning > critical ? $"the warning level ({warning}) is above the critical one ({critical})"
        : null;
}
