using VirtAppliance.Core.Images;

namespace VirtAppliance.Core.DomainXml;

/// <summary>The image file a VM's disk uses and its format (e.g. the VM's qcow2 overlay).</summary>
public sealed record ResolvedDisk(string Path, DiskFormat Format);
