namespace VirtAppliance.Core.DomainXml;

/// <summary><c>&lt;driver name='qemu' type='qcow2'/&gt;</c>.</summary>
public sealed record DiskDriver(DiskDriverName Name, DiskFormat Format);
