namespace VirtAppliance.Core.Hypervisor;

/// <summary>Versions at the other end of a connection.</summary>
/// <param name="Library">The libvirt version the connection's daemon (or local driver) runs.</param>
/// <param name="HypervisorType">The driver's name, such as "QEMU" or "TEST".</param>
/// <param name="Hypervisor">The hypervisor's own version (QEMU's for the qemu driver).</param>
public sealed record HypervisorVersions(Version Library, string HypervisorType, Version Hypervisor);
