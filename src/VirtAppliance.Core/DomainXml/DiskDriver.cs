using VirtAppliance.Core.Images;

namespace VirtAppliance.Core.DomainXml;

/// <summary><c>&lt;driver name='qemu' type='qcow2'/&gt;</c>; the type is <see cref="DiskFormatSpelling.ToDriverType"/> of the format (an ISO is driven as raw, so it reads back as raw).</summary>
public sealed record DiskDriver(DiskDriverName Name, DiskFormat Format);
