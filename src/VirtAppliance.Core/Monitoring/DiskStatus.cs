using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Monitoring;

/// <summary>One disk of a VM: the image's sizes (libvirt block info), the guest's file systems on it, and its level.</summary>
/// <param name="Id">The appliance's disk id.</param>
/// <param name="Capacity">What the guest sees, bytes; null when unknown (the file is gone).</param>
/// <param name="Allocation">libvirt's allocation, bytes (for a disk of a running domain, QEMU's highest offset written).</param>
/// <param name="Physical">libvirt's physical size, bytes.</param>
/// <param name="FileSystems">What the guest agent reports mounted from this disk; empty without an agent.</param>
/// <param name="UsedPercent">Percent used on <paramref name="Basis"/>; null when nothing could be measured.</param>
/// <param name="Threshold">The levels in force (site, else appliance, else the default).</param>
/// <param name="Level">This disk's level, with hysteresis against the alert state of the last watch pass.</param>
public sealed record DiskStatus(
    string Id,
    string Target,
    DiskRole Role,
    string Path,
    long? Capacity,
    long? Allocation,
    long? Physical,
    IReadOnlyList<FileSystemUsage> FileSystems,
    double? UsedPercent,
    UsageBasis Basis,
    DiskThreshold Threshold,
    ThresholdSource ThresholdSource,
    AlertLevel Level)
{
    /// <summary>What the image file occupies on the host (like du; holes and backing images not counted), bytes; the allocation basis is this against the capacity.</summary>
    public long? HostBytes { get; init; }
}
