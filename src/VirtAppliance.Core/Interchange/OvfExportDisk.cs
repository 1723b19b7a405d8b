namespace VirtAppliance.Core.Interchange;

/// <summary>A disk as an export writes it: its id, its streamOptimized VMDK (null for a disk created empty) and sizes.</summary>
/// <param name="Href">The VMDK's name in the package; null for a disk with no image.</param>
/// <param name="FileBytes">The VMDK's length.</param>
/// <param name="CapacityBytes">The virtual size.</param>
public sealed record OvfExportDisk(string Id, string? Href, long FileBytes, long CapacityBytes);
