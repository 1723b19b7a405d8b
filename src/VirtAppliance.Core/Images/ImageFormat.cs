namespace VirtAppliance.Core.Images;

/// <summary>The container format of a disk image, as detected from its first bytes.</summary>
public enum ImageFormat
{
    /// <summary>No known header: the bytes are the disk.</summary>
    Raw,

    /// <summary>QEMU copy-on-write version 2 or 3.</summary>
    Qcow2,

    /// <summary>ISO 9660 (a CD/DVD image).</summary>
    Iso,
}
