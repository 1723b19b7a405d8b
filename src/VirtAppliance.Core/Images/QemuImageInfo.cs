namespace VirtAppliance.Core.Images;

/// <summary>What <c>qemu-img info</c> says about an image: the format it detects, its size, its backing file.</summary>
/// <param name="FormatText">qemu-img's name for the format (raw, qcow2, vmdk, luks …).</param>
/// <param name="Format">The format, when it is one a descriptor can declare; null for others (luks, dmg …).</param>
/// <param name="VirtualSize">The guest-visible size in bytes.</param>
/// <param name="BackingFile">The image this one is an overlay on, or null.</param>
public sealed record QemuImageInfo(string FormatText, DiskFormat? Format, long VirtualSize, string? BackingFile);
