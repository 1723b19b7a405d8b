namespace VirtAppliance.Core.Hypervisor;

/// <summary>Sizes of one domain disk, in bytes.</summary>
/// <param name="Capacity">What the guest sees (the virtual size).</param>
/// <param name="Allocation">What the image occupies on the host (like du, or the highest written offset).</param>
/// <param name="Physical">The host file or device size (like ls).</param>
public sealed record BlockInfo(long Capacity, long Allocation, long Physical);
