using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Images;

namespace VirtAppliance.Core.Authoring;

/// <summary>A disk of an appliance init wrote.</summary>
/// <param name="Id">Its id in the descriptor.</param>
/// <param name="Source">Where it came from.</param>
/// <param name="File">Its file in the appliance folder; null for a scratch disk (created empty at deploy).</param>
/// <param name="SourceFormat">The format of the source (qemu-img's name).</param>
/// <param name="Converted">True when qemu-img convert wrote it (--convert, or a backing chain flattened), false for a sparse copy.</param>
/// <param name="VirtualSize">The guest-visible size in bytes.</param>
/// <param name="Sha256">The digest written into the descriptor; null for a scratch disk.</param>
public sealed record InitDisk(
    string Id, string Source, string? File, DiskRole Role, DiskFormat Format, string SourceFormat, bool Converted,
    string Target, long VirtualSize, string? Sha256);
