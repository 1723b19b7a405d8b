namespace VirtAppliance.Core.DomainXml;

/// <summary><c>&lt;target dev='vda' bus='virtio'/&gt;</c>.</summary>
public sealed record DiskTarget(string Device, DiskBus Bus);
