namespace VirtAppliance.Core.Packaging;

/// <summary>What a file in a package is for (manifest spelling in parentheses).</summary>
public enum PackageFileRole
{
    /// <summary>The appliance descriptor, appliance.xml (descriptor).</summary>
    Descriptor,

    /// <summary>A disk image (disk).</summary>
    Disk,

    /// <summary>A kernel for direct boot (kernel).</summary>
    Kernel,

    /// <summary>An initial ramdisk (initrd).</summary>
    Initrd,

    /// <summary>A boot loader or firmware image (loader).</summary>
    Loader,

    /// <summary>Any other file the descriptor references, e.g. a config template (other).</summary>
    Other,
}
