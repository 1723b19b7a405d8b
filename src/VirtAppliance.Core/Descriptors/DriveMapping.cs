namespace VirtAppliance.Core.Descriptors;

/// <summary>Maps a storage disk (by id) to a device name in the guest.</summary>
/// <param name="TargetWasDefaulted">True when the descriptor gave no target and the next free name was chosen.</param>
public sealed record DriveMapping(string DiskId, string Target, bool TargetWasDefaulted, SourceLocation Location);
