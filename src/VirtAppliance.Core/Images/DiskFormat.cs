namespace VirtAppliance.Core.Images;

/// <summary>
/// The container format of a disk image: what a descriptor declares, what a package manifest and
/// the store record, what libvirt is told (never probed) and what <see cref="ImageInspector"/>
/// detects. The text spellings are in <see cref="DiskFormatSpelling"/>, the one place for them.
/// </summary>
public enum DiskFormat
{
    /// <summary>No header: the bytes are the disk.</summary>
    Raw,

    /// <summary>QEMU copy-on-write version 2 or 3.</summary>
    Qcow2,

    /// <summary>QEMU copy-on-write version 1.</summary>
    Qcow,

    /// <summary>VMware's virtual disk.</summary>
    Vmdk,

    /// <summary>ISO 9660 (a CD/DVD image); attached read-only as a CD-ROM, driven as raw.</summary>
    Iso,

    /// <summary>VirtualBox's virtual disk.</summary>
    Vdi,

    /// <summary>Virtual PC's VHD.</summary>
    Vpc,

    /// <summary>Hyper-V's VHDX.</summary>
    Vhdx,
}
