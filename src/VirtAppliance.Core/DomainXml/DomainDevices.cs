namespace VirtAppliance.Core.DomainXml;

/// <summary>
/// The <c>&lt;devices&gt;</c> element, written in this order: emulator, disks, controllers,
/// interfaces, serial ports, consoles, graphics. The emulator is null for Xen paravirt guests.
/// </summary>
public sealed record DomainDevices(
    string? Emulator,
    IReadOnlyList<DomainDisk> Disks,
    IReadOnlyList<DomainController> Controllers,
    IReadOnlyList<DomainInterface> Interfaces,
    IReadOnlyList<DomainSerial> Serials,
    IReadOnlyList<DomainConsole> Consoles,
    IReadOnlyList<DomainGraphics> Graphics);
