using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Images;

namespace VirtAppliance.Core.Packaging;

/// <summary>What a disk image of an appliance must satisfy: checked by validate --require-files, when packing and when reading a package.</summary>
internal static class ImageRules
{
    /// <summary>Every rule the image breaks, each with what to do; empty when it is fine.</summary>
    public static IReadOnlyList<(string Message, string? Hint)> Violations(ImageInfo info, string? declaredFormat)
    {
        var declared = declaredFormat ?? DiskFormat.Raw.ToText();
        var declaresQcow2 = DiskFormatSpelling.TryParse(declared, out var format) && format == DiskFormat.Qcow2;
        var violations = new List<(string Message, string? Hint)>();
        if (info.Format == DiskFormat.Qcow2)
        {
            if (!declaresQcow2)
                violations.Add(($"the image is qcow2 but declared {declared}", "declare format=\"qcow2\" (a raw disk holding a qcow2 header would let a guest read host files)"));
            var header = info.Qcow2!;
            if (header.HasBackingFile)
                violations.Add(($"the qcow2 image has a backing file ({info.BackingFile})", "flatten it first: qemu-img convert -O qcow2 IN OUT"));
            if (header.HasExternalDataFile)
                violations.Add(("the qcow2 image keeps its data in an external file", "convert it: qemu-img convert -O qcow2 IN OUT"));
            if (header.IsMarkedCorrupt)
                violations.Add(("the qcow2 image is marked corrupt", "repair it with 'qemu-img check -r all'"));
            if ((header.IncompatibleFeatures & ~Qcow2Header.KnownIncompatibleFeatures) != 0)
                violations.Add(($"the qcow2 image uses unknown incompatible features 0x{header.IncompatibleFeatures:x}", null));
            if (header.CryptMethod != 0)
                violations.Add(("the qcow2 image is encrypted", "ship unencrypted images; encrypt at deploy time"));
        }
        else if (declaresQcow2)
        {
            violations.Add(("declared qcow2 but the image has no qcow2 header", null));
        }
        return violations;
    }

    /// <summary>Throws <see cref="InvalidInputException"/> for the first rule the image breaks.</summary>
    public static void Check(ImageInfo info, string? declaredFormat, string where)
    {
        if (Violations(info, declaredFormat) is [var (message, hint), ..])
            throw new InvalidInputException($"{where}: {message}") { Hint = hint };
    }
}
