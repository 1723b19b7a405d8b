namespace VirtAppliance.Core.Capabilities;

/// <summary>
/// What a libvirt host can run, read from <c>virsh capabilities</c>
/// (<see cref="CapabilitiesParser.ParseHost(string)"/>).
/// </summary>
/// <param name="Arch">The host CPU architecture (<c>host/cpu/arch</c>).</param>
/// <param name="MemoryKiB">Total memory of the NUMA cells, when the host reports it.</param>
/// <param name="CpuCount">Logical CPUs (topology cells or CPU topology), when reported.</param>
/// <param name="Guests">Every <c>&lt;guest&gt;</c> in document order.</param>
public sealed record HostCapabilities(
    string Arch,
    long? MemoryKiB,
    int? CpuCount,
    IReadOnlyList<GuestCapability> Guests)
{
    /// <summary>The guests of one OS type and architecture, in document order.</summary>
    public IEnumerable<GuestCapability> GuestsFor(GuestOsType osType, string arch) =>
        Guests.Where(guest => guest.OsType == osType && string.Equals(guest.Arch, arch, StringComparison.Ordinal));
}
