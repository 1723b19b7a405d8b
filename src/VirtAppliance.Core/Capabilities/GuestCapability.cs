namespace VirtAppliance.Core.Capabilities;

/// <summary>One <c>&lt;guest&gt;</c> of the host capabilities: an OS type on one architecture.</summary>
/// <param name="OsType">hvm (full virtualization) or xen (paravirtualized).</param>
/// <param name="Arch">The guest architecture (<c>arch/@name</c>).</param>
/// <param name="WordSize">32 or 64, when given.</param>
/// <param name="Emulator">The default emulator for this guest, when given.</param>
/// <param name="Loader">The default loader (Xen's hvmloader), when given.</param>
/// <param name="Machines">Machine types usable by every domain type, in document order.</param>
/// <param name="Domains">Domain types (qemu, kvm, xen …) with their own emulator and machines.</param>
/// <param name="Features">Guest features (pae, nonpae, acpi, apic …) in document order.</param>
public sealed record GuestCapability(
    GuestOsType OsType,
    string Arch,
    int? WordSize,
    string? Emulator,
    string? Loader,
    IReadOnlyList<MachineCapability> Machines,
    IReadOnlyList<GuestDomainCapability> Domains,
    IReadOnlyList<GuestFeatureCapability> Features)
{
    /// <summary>The domain entry of one type, or null when this guest does not offer it.</summary>
    public GuestDomainCapability? Domain(VirtType type) => Domains.FirstOrDefault(domain => domain.Type == type);

    /// <summary>The feature of that name, or null when the host does not list it.</summary>
    public GuestFeatureCapability? Feature(string name) =>
        Features.FirstOrDefault(feature => string.Equals(feature.Name, name, StringComparison.Ordinal));

    /// <summary>The emulator for a domain type: its own when it has one, else the guest's.</summary>
    public string? EmulatorFor(GuestDomainCapability domain) => domain.Emulator ?? Emulator;

    /// <summary>The machines for a domain type: its own when it lists some, else the guest's.</summary>
    public IReadOnlyList<MachineCapability> MachinesFor(GuestDomainCapability domain) =>
        domain.Machines.Count > 0 ? domain.Machines : Machines;
}
