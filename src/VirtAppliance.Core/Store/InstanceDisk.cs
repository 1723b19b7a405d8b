using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Images;

namespace VirtAppliance.Core.Store;

/// <summary>One disk of a deployed VM: which appliance disk it is, and the VM's own file for it.</summary>
/// <param name="Format">The format of that file (the index stores its text spelling, as earlier releases did).</param>
public sealed record InstanceDisk(string DiskId, string Target, DiskRole Role, DiskFormat Format, string Path);
