namespace VirtAppliance.Core.DomainXml;

/// <summary><c>&lt;interface type='network'&gt;</c> on a libvirt network.</summary>
/// <param name="Network">The libvirt network name (<c>default</c> unless told).</param>
/// <param name="Model">The NIC model (virtio for hvm guests); null lets the hypervisor choose.</param>
/// <param name="MacAddress">A fixed MAC address; null lets libvirt pick one.</param>
public sealed record DomainInterface(string Network, string? Model, string? MacAddress);
