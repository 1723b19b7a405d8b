using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Capabilities;

/// <summary>How a boot runs on the host: the domain type, emulator, machine and firmware chosen.</summary>
/// <param name="BootIndex">The zero-based boot index.</param>
/// <param name="OsType">hvm or xen (paravirt).</param>
/// <param name="Arch">The guest architecture.</param>
/// <param name="DomainType">The libvirt domain type (kvm, qemu, xen …).</param>
/// <param name="Emulator">The emulator binary, when the host names one.</param>
/// <param name="Machine">The machine type, when the host lists any.</param>
/// <param name="Firmware">BIOS or UEFI, as the boot asks.</param>
/// <param name="EfiLoader">
/// For UEFI on hosts whose libvirt cannot pick firmware by itself: the OVMF image to load; null
/// when <c>firmware='efi'</c> works or for BIOS.
/// </param>
public sealed record HostChoice(
    int BootIndex,
    GuestOsType OsType,
    string Arch,
    VirtType DomainType,
    string? Emulator,
    string? Machine,
    Firmware Firmware,
    string? EfiLoader);
