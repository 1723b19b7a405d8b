using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Images;

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
            ReferencedFileKind.Disk => new PackageFile(file.Path, PackageFileRole.Disk, (file.Disk?.Format ?? DiskFormat.Raw).ToText()),
            ReferencedFileKind.Kernel => new PackageFile(file.Path, PackageFileRole.Kernel),
            ReferencedFileKind.Initrd => new PackageFile(file.Path, PackageFileRole.Initrd),
            ReferencedFileKind.Loader => new PackageFile(file.Path, PackageFileRole.Loader),
            _ => new PackageFile(file.Path, PackageFileRole.Other),
        })];
    }
}
