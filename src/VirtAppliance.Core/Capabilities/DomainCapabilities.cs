namespace VirtAppliance.Core.Capabilities;

/// <summary>
/// What one emulator can give a domain of one type, arch and machine, read from
/// <c>virsh domcapabilities</c> (<see cref="CapabilitiesParser.ParseDomain(string)"/>).
/// </summary>
/// <param name="Emulator">The emulator binary (<c>path</c>).</param>
/// <param name="Type">The domain type these answers are for.</param>
/// <param name="Machine">The machine type (the emulator's default when none was asked for).</param>
/// <param name="Arch">The guest architecture.</param>
/// <param name="MaxVcpus">The most vCPUs a domain can have, when given.</param>
/// <param name="Os">Firmware and loader support, when given.</param>
/// <param name="DiskBuses">Disk buses the emulator offers (virtio, scsi, sata, ide …).</param>
/// <param name="DiskDevices">Disk device kinds (disk, cdrom, floppy, lun).</param>
public sealed record DomainCapabilities(
    string? Emulator,
    VirtType Type,
    string? Machine,
    string? Arch,
    int? MaxVcpus,
    DomainCapabilitiesOs? Os,
    IReadOnlyList<string> DiskBuses,
    IReadOnlyList<string> DiskDevices)
{
    /// <summary>
    /// Whether UEFI firmware is installed: libvirt offers <c>firmware='efi'</c> (found firmware
    /// descriptors), or at least one loader path looks like OVMF/AAVMF.
    /// </summary>
    public bool HasEfiFirmware => Os is { Supported: true } os
        && (os.Firmware.Contains("efi", StringComparer.Ordinal) || os.Loader?.EfiPaths.Any() == true);
}
