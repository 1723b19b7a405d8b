using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Interchange;

/// <summary>A <c>DiskSection/Disk</c>: a virtual disk, backed by a file of the package or created empty.</summary>
/// <param name="FileRef">The id of its <see cref="OvfFileReference"/>; null for a disk created empty at deployment.</param>
/// <param name="CapacityBytes">Its virtual size.</param>
/// <param name="Format">The format URI (…vmdk.html#streamOptimized), when given.</param>
public sealed record OvfDisk(string DiskId, string? FileRef, long CapacityBytes, string? Format, SourceLocation Location);
