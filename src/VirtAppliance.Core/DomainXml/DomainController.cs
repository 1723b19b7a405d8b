namespace VirtAppliance.Core.DomainXml;

/// <summary>A <c>&lt;controller&gt;</c>; written only where libvirt's default would be worse (virtio-scsi).</summary>
public sealed record DomainController(ControllerType Type, int Index, string? Model);
