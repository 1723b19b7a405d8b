using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Store;

/// <summary>One disk of a deployed VM: which appliance disk it is, and the VM's own file for it.</summary>
/// <param name="Format">The file's format as libvirt spells it (qcow2, raw …).</param>
public sealed record InstanceDisk(string DiskId, string Target, DiskRole Role, string Format, string Path);
