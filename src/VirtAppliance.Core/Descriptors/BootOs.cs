namespace VirtAppliance.Core.Descriptors;

/// <summary>How to start the machine: a loader, or a kernel with initrd and command line.</summary>
public sealed record BootOs
{
    /// <summary>The legacy <c>&lt;type&gt;</c> of old virt-image files (<c>hvm</c>); the boot's type decides.</summary>
    public string? Type { get; init; }

    /// <summary>True when a <c>&lt;loader&gt;</c> element is present.</summary>
    public bool HasLoader { get; init; }

    /// <summary>The loader's text: <c>pygrub</c> for Xen paravirt, or a loader image path; null when empty.</summary>
    public string? Loader { get; init; }

    /// <summary>Boot device of an hvm loader (<c>hd</c>, <c>cdrom</c>, <c>network</c>, <c>fd</c>).</summary>
    public string? LoaderDevice { get; init; }

    public string? Kernel { get; init; }

    public string? Initrd { get; init; }

    public string? Cmdline { get; init; }

    public Firmware Firmware { get; init; } = Firmware.Bios;

    /// <summary>Where <c>&lt;os&gt;</c> is, for messages.</summary>
    public SourceLocation Location { get; init; }

    /// <summary>The loader text when it names a file of the appliance rather than a host bootloader.</summary>
    public string? LoaderPath => Loader is { } loader && loader != "pygrub" ? loader : null;
}
