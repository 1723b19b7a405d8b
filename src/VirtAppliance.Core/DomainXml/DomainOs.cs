namespace VirtAppliance.Core.DomainXml;

/// <summary>
/// The <c>&lt;os&gt;</c> element: the guest type and either firmware that boots from devices or a
/// kernel booted directly.
/// </summary>
/// <param name="Type">The <c>&lt;type&gt;</c> (os type, arch, machine).</param>
/// <param name="Firmware">
/// Automatic firmware selection (<c>firmware='efi'</c>); null leaves libvirt's default (BIOS for x86).
/// </param>
/// <param name="Loader">An explicit firmware image, when no automatic selection is available.</param>
/// <param name="BootDevices">Devices to boot from in order (<c>&lt;boot dev=…/&gt;</c>).</param>
/// <param name="Kernel">Absolute path of a kernel to boot directly.</param>
/// <param name="Initrd">Absolute path of its initrd.</param>
/// <param name="Cmdline">The kernel command line.</param>
public sealed record DomainOs(
    DomainOsType Type,
    OsFirmware? Firmware,
    DomainLoader? Loader,
    IReadOnlyList<BootDevice> BootDevices,
    string? Kernel,
    string? Initrd,
    string? Cmdline);
