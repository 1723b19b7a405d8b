using System.Formats.Tar;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Descriptors;

/// <summary>
/// Turns an APPLIANCE argument into a descriptor: a descriptor file, an appliance folder
/// (its <c>appliance.xml</c>), a package file (its first entry), or an installed NAME[@VERSION].
/// </summary>
public static class ApplianceLocator
{
    public const string DescriptorFileName = "appliance.xml";
    public const string PackageExtension = ".vapp";

    /// <param name="installed">Looks up an installed NAME[@VERSION] and returns its folder, or null.</param>
    public static LoadedDescriptor Load(string argument, ValidationPurpose purpose, Func<string, string?>? installed = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(argument);
        if (Directory.Exists(argument))
        {
            var descriptorPath = Path.Combine(argument, DescriptorFileName);
            if (!File.Exists(descriptorPath))
                throw new NotFoundException($"{argument}: the folder has no {DescriptorFileName}")
                {
                    Hint = "an appliance folder holds appliance.xml next to its disk images; write one by hand as docs/descriptor.md describes (examples/wiki/appliance.xml is a complete one)",
                };
            return FromFile(ApplianceSourceKind.Folder, descriptorPath, purpose);
        }
        if (File.Exists(argument))
        {
            return argument.EndsWith(PackageExtension, StringComparison.OrdinalIgnoreCase) || LooksLikeTar(argument)
                ? FromPackage(argument, purpose)
                : FromFile(ApplianceSourceKind.DescriptorFile, argument, purpose);
        }
        if (installed?.Invoke(argument) is { } installedFolder)
        {
            var loaded = FromFile(ApplianceSourceKind.Installed, Path.Combine(installedFolder, DescriptorFileName), purpose);
            return loaded with { Path = argument };
        }
        throw new NotFoundException($"{argument}: no such file, folder or installed appliance")
        {
            Hint = "give a descriptor file, an appliance folder, a .vapp package, or NAME[@VERSION] of an installed appliance ('virt-appliance list')",
        };
    }

    private static LoadedDescriptor FromFile(ApplianceSourceKind kind, string path, ValidationPurpose purpose)
    {
        var read = DescriptorReader.ReadFile(path);
        return Complete(kind, path, read, purpose);
    }

    private static LoadedDescriptor FromPackage(string path, ValidationPurpose purpose)
    {
        using var stream = File.OpenRead(path);
        TarEntry? first;
        try
        {
            using var tar = new TarReader(stream, leaveOpen: true);
            first = tar.GetNextEntry(copyData: false);
            if (first is null || first.Name != DescriptorFileName || first.DataStream is null)
                throw new InvalidInputException($"{path}: the package does not start with {DescriptorFileName}")
                {
                    Hint = "is it a virt-appliance package? 'virt-appliance pack' makes them",
                };
            if (first.Length > DescriptorReader.MaxDescriptorBytes)
                throw new InvalidInputException($"{path}: the package's {DescriptorFileName} is {first.Length} bytes, more than a descriptor may have");
            // Files are checked against the manifest by verify; a package's descriptor is read on its own.
            var read = DescriptorReader.Read(first.DataStream, $"{path}!{DescriptorFileName}", baseDirectory: null);
            return Complete(ApplianceSourceKind.Package, path, read, purpose);
        }
        catch (InvalidDataException error)
        {
            throw new InvalidInputException($"{path}: not a readable package: {error.Message}", error)
            {
                Hint = "the file may be truncated or not a package; run 'virt-appliance verify' on it",
            };
        }
    }

    private static LoadedDescriptor Complete(ApplianceSourceKind kind, string path, DescriptorReadResult read, ValidationPurpose purpose)
    {
        if (read.Descriptor is null)
            return new LoadedDescriptor(kind, path, null, read.Problems);
        var problems = read.Problems.Concat(DescriptorValidator.Validate(read.Descriptor, purpose))
            .OrderBy(problem => problem.Location.Line).ThenBy(problem => problem.Location.Column)
            .ToList();
        return new LoadedDescriptor(kind, path, read.Descriptor, problems);
    }

    /// <summary>A POSIX tar has "ustar" at offset 257.</summary>
    private static bool LooksLikeTar(string path)
    {
        Span<byte> header = stackalloc byte[263];
        using var stream = File.OpenRead(path);
        return stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length
            && header[257..262].SequenceEqual("ustar"u8);
    }
}
