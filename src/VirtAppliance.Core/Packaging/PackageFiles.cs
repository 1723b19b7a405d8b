using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Packaging;

/// <summary>Turns what a descriptor references into the list of files <see cref="PackageWriter"/> packs.</summary>
public static class PackageFiles
{
    /// <summary>Disks with a file, kernels, initrds, loader images and config templates, in descriptor order.</summary>
    public static IReadOnlyList<PackageFile> FromDescriptor(ApplianceDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return [.. descriptor.ReferencedFiles().Select(file => file.Kind switch
        {
            ReferencedFileKind.Disk => new PackageFile(file.Path, PackageFileRole.Disk, FormatName(file.Disk?.Format ?? DiskFormat.Raw)),
            ReferencedFileKind.Kernel => new PackageFile(file.Path, PackageFileRole.Kernel),
            ReferencedFileKind.Initrd => new PackageFile(file.Path, PackageFileRole.Initrd),
            ReferencedFileKind.Loader => new PackageFile(file.Path, PackageFileRole.Loader),
            _ => new PackageFile(file.Path, PackageFileRole.Other),
        })];
    }

    /// <summary>The manifest spelling of a disk format (the descriptor's: raw, qcow2, vmdk …).</summary>
    internal static string FormatName(DiskFormat format) => format switch
    {
        DiskFormat.Raw => "raw",
        DiskFormat.Qcow2 => "qcow2",
        DiskFormat.Qcow => "qcow",
        DiskFormat.Vmdk => "vmdk",
        DiskFormat.Iso => "iso",
        DiskFormat.Vdi => "vdi",
        DiskFormat.Vpc => "vpc",
        DiskFormat.Vhdx => "vhdx",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
