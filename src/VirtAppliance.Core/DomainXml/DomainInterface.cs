namespace VirtAppliance.Core.DomainXml;

/// <summary>A network interface: what it is attached to, its model and MAC address.</summary>
/// <param name="Model">The NIC model (virtio for hvm guests); null lets the hypervisor choose.</param>
/// <param name="MacAddress">A fixed MAC address; null lets libvirt pick one (a user-mode NIC always has one).</param>
public sealed record DomainInterface(InterfaceSource Source, string? Model, string? MacAddress);
