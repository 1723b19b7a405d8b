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
    /// Whether UEFI firmware for <see cref="Arch"/> is installed: libvirt offers
    /// <c>firmware='efi'</c> (it found firmware descriptors), or a loader image for this arch is listed.
    /// </summary>
    public bool HasEfiFirmware => Os is { Supported: true } os
        && (os.Firmware.Contains("efi", StringComparer.Ordinal) || EfiLoaderPaths.Any());

    /// <summary>Listed loader images that are UEFI firmware for <see cref="Arch"/>.</summary>
    public IEnumerable<string> EfiLoaderPaths => Os?.Loader?.EfiPathsFor(Arch) ?? [];
}
