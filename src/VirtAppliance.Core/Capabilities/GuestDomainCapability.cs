namespace VirtAppliance.Core.Capabilities;

/// <summary>One <c>&lt;domain type=…&gt;</c> inside a guest's <c>&lt;arch&gt;</c>.</summary>
/// <param name="Type">The domain type as libvirt names it.</param>
/// <param name="TypeName">The spelling in the document (kept for types this tool does not know).</param>
/// <param name="Emulator">An emulator of its own (e.g. qemu-kvm), when given.</param>
/// <param name="Machines">Machines of its own, when given.</param>
public sealed record GuestDomainCapability(
    VirtType Type,
    string TypeName,
    string? Emulator,
    IReadOnlyList<MachineCapability> Machines);
