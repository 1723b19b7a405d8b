namespace VirtAppliance.Core.DomainXml;

/// <summary>A host block device: <c>&lt;disk type='block'&gt;&lt;source dev=…/&gt;</c>.</summary>
public sealed record BlockDiskSource(string Device) : DiskSource;
