using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Interchange;

/// <summary>A disk drive item of the virtual hardware: which disk, on which kind of controller.</summary>
/// <param name="DiskId">The <see cref="OvfDisk.DiskId"/> it attaches.</param>
/// <param name="Bus">The guest device prefix its controller gives: <c>hd</c> (IDE), <c>sd</c> (SCSI, SATA), <c>vd</c> (anything else).</param>
public sealed record OvfDriveAttachment(string DiskId, string Bus, SourceLocation Location);
