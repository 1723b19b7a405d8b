namespace VirtAppliance.Core.Monitoring;

/// <summary>A file system the guest agent reports (guest-get-fsinfo), in bytes.</summary>
/// <param name="Device">The guest's device, e.g. /dev/vdb or /dev/vda1.</param>
public sealed record FileSystemUsage(string Mountpoint, string Type, string? Device, long UsedBytes, long TotalBytes)
{
    public double UsedPercent => TotalBytes <= 0 ? 0 : 100.0 * UsedBytes / TotalBytes;
}
