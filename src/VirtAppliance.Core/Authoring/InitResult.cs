using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Authoring;

/// <summary>What init wrote: the appliance folder, its descriptor and disks, and what was not carried over.</summary>
/// <param name="Directory">The appliance folder (absolute).</param>
/// <param name="Descriptor">The descriptor written to <c>appliance.xml</c> in it.</param>
/// <param name="Disks">Each disk, in the order given.</param>
/// <param name="Files">The kernel and initrd copied next to the disks, as named in the descriptor.</param>
/// <param name="NotCarried">What the source had that the appliance does not, one line each.</param>
public sealed record InitResult(
    string Directory, ApplianceDescriptor Descriptor, IReadOnlyList<InitDisk> Disks, IReadOnlyList<string> Files, IReadOnlyList<string> NotCarried);
