using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Images;

namespace VirtAppliance.Core.Packaging;

/// <summary>What a disk image in a package must satisfy, checked both when packing and when reading.</summary>
internal static class ImageRules
{
    public static void Check(ImageInfo info, string? declaredFormat, string where)
    {
        var declared = declaredFormat ?? DiskFormat.Raw.ToText();
        var declaresQcow2 = DiskFormatSpelling.TryParse(declared, out var format) && format == DiskFormat.Qcow2;
        if (info.Format == DiskFormat.Qcow2)
        {
            if (!declaresQcow2)
                throw new InvalidInputException($"{where}: the image is qcow2 but declared {declared}") { Hint = "declare format=\"qcow2\" (a raw disk holding a qcow2 header would let a guest read host files)" };
            var header = info.Qcow2!;
            if (header.HasBackingFile)
                throw new InvalidInputException($"{where}: the qcow2 image has a backing file ({info.BackingFile})") { Hint = "flatten it first: qemu-img convert -O qcow2 IN OUT" };
            if (header.HasExternalDataFile)
                throw new InvalidInputException($"{where}: the qcow2 image keeps its data in an external file") { Hint = "convert it: qemu-img convert -O qcow2 IN OUT" };
            if (header.IsMarkedCorrupt)
                throw new InvalidInputException($"{where}: the qcow2 image is marked corrupt") { Hint = "repair it with 'qemu-img check -r all'" };
            if ((header.IncompatibleFeatures & ~Qcow2Header.KnownIncompatibleFeatures) != 0)
                throw new InvalidInputException($"{where}: the qcow2 image uses unknown incompatible features 0x{header.IncompatibleFeatures:x}");
            if (header.CryptMethod != 0)
                throw new InvalidInputException($"{where}: the qcow2 image is encrypted") { Hint = "ship unencrypted images; encrypt at deploy time" };
        }
        else if (declaresQcow2)
        {
            throw new InvalidInputException($"{where}: declared qcow2 but the image has no qcow2 header");
        }
    }
}
