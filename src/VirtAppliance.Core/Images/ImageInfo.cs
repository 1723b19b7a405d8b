namespace VirtAppliance.Core.Images;

/// <summary>What an image's header says about it.</summary>
/// <param name="Format">The detected container format.</param>
/// <param name="VirtualSize">The guest-visible size in bytes (the file length for raw and ISO).</param>
/// <param name="FileLength">The length of the file in bytes.</param>
/// <param name="BackingFile">The backing file a qcow2 image refers to, or null.</param>
/// <param name="Qcow2">The qcow2 header, for qcow2 images.</param>
public sealed record ImageInfo(DiskFormat Format, long VirtualSize, long FileLength, string? BackingFile, Qcow2Header? Qcow2);
