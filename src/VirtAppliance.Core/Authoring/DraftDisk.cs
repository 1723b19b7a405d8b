using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Images;

namespace VirtAppliance.Core.Authoring;

/// <summary>A disk image to bring into a new appliance: where it is now, its role and the guest device it maps to.</summary>
/// <param name="Source">The image file (or block device) it is copied from.</param>
/// <param name="Role">Its role in the appliance; a scratch disk is not copied, only its size is kept.</param>
/// <param name="Target">The guest device name (vda, sda, hda, xvda …).</param>
/// <param name="SourceFormat">The format its owner declared (a libvirt domain's driver type); null to detect it.</param>
public sealed record DraftDisk(string Source, DiskRole Role, string Target, DiskFormat? SourceFormat = null);
