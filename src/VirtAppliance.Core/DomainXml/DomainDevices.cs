namespace VirtAppliance.Core.DomainXml;

/// <summary>
/// The <c>&lt;devices&gt;</c> element, written in this order: emulator, disks, controllers,
/// interfaces, serial ports, consoles, channels, graphics. The emulator is null for Xen paravirt guests.
/// </summary>
public sealed record DomainDevices(
    string? Emulator,
    IReadOnlyList<DomainDisk> Disks,
    IReadOnlyList<DomainController> Controllers,
    IReadOnlyList<DomainInterface> Interfaces,
    IReadOnlyList<DomainSerial> Serials,
    IReadOnlyList<DomainConsole> Consoles,
    IReadOnlyList<DomainGraphics> Graphics)
{
    /// <summary>Virtio-serial channels (the guest agent's).</summary>
    public IReadOnlyList<DomainChannel> Channels { get; init; } = [];
}
