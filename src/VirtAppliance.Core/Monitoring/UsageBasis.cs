namespace VirtAppliance.Core.Monitoring;

/// <summary>What a disk's percent used is of.</summary>
public enum UsageBasis
{
    /// <summary>Nothing: no file system reported and no image sizes.</summary>
    None,

    /// <summary>The fullest file system the guest reports on the disk (used of total).</summary>
    FileSystem,

    /// <summary>The image's allocation on the host against its capacity (the guest does not report).</summary>
    Allocation,
}
