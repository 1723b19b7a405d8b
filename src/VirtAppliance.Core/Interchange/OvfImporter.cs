using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using VirtAppliance.Core.Authoring;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Images;

namespace VirtAppliance.Core.Interchange;

/// <summary>
/// Maps an OVF virtual system onto an appliance draft: identity, hardware, disks (in drive order, the first the
/// system disk), ProductSection properties as site parameters. When the package carries virt-appliance's own
/// section (an export of ours), what OVF cannot say (kernel boot, health check, disk roles, templates, exact
/// parameter types) comes from it; the hardware still comes from the OVF sections, so an edit in another tool counts.
/// </summary>
public static partial class OvfImporter
{
    /// <param name="folder">Where the package's files are (the OVA unpacked, or the .ovf's folder).</param>
    /// <param name="work">A folder for placeholders of empty disks.</param>
    /// <param name="name">The appliance name to use instead of the package's.</param>
    /// <exception cref="IntegrityException">A file the descriptor references is missing or not the size it declares (exit 5).</exception>
    /// <exception cref="DescriptorInvalidException">virt-appliance's own section is not a valid descriptor (exit 3).</exception>
    public static async Task<ApplianceDraft> DraftAsync(OvfEnvelope envelope, string folder, string work, string source, string? name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var system = envelope.System;
        var notes = new List<string>(envelope.Notes);
        var original = ReadOwnSection(system, folder, source);

        var disks = new List<DraftDisk>();
        var taken = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var index = 0; index < system.Drives.Count; index++)
        {
            var drive = system.Drives[index];
            var disk = envelope.Disks.First(d => d.DiskId == drive.DiskId);
            string path;
            if (disk.FileRef is { } fileRef)
            {
                var file = envelope.Files.First(f => f.Id == fileRef);
                path = Path.Combine(folder, file.Href);
                if (!File.Exists(path))
                    throw new IntegrityException($"{source}: disk '{disk.DiskId}' is {file.Href}, which the package does not hold") { Hint = "the package is incomplete: fetch it again" };
                if (file.Size is { } size && file.Compression is null && new FileInfo(path).Length != size)
                    throw new IntegrityException($"{source}: {file.Href} is {new FileInfo(path).Length} bytes, the descriptor says {size}") { Hint = "the package is truncated or altered: fetch it again" };
                if (file.Compression is not null)
                    throw new InvalidInputException($"{source}: {file.Href} is {file.Compression}-compressed as a whole, which this import does not unpack")
                    {
                        Hint = $"unpack it yourself ({(file.Compression == "gzip" ? "gunzip" : file.Compression)}), drop ovf:compression from the descriptor and import the .ovf",
                    };
            }
            else
            {
                // Created empty at deployment in OVF; an appliance keeps such a disk as an empty image of that size.
                Directory.CreateDirectory(Path.Combine(work, "empty"));
                path = Path.Combine(work, "empty", IdOf(disk.DiskId) + ".qcow2");
                await QemuImg.CreateAsync(path, "qcow2", disk.CapacityBytes, cancellationToken).ConfigureAwait(false);
            }
            var originalDisk = original?.FindDisk(IdOf(Path.GetFileNameWithoutExtension(path)));
            var role = originalDisk?.Role ?? (index == 0 ? DiskRole.System : DiskRole.User);
            var target = original?.Boots.FirstOrDefault()?.Drives.FirstOrDefault(d => d.DiskId == originalDisk?.Id)?.Target ?? NextTarget(drive.Bus, taken);
            disks.Add(new DraftDisk(path, role, target));
        }
        if (disks.Count == 0)
            throw new InvalidInputException($"{source}: virtual system '{system.Id}' has no disk") { Hint = "an appliance boots from a system disk; the package must hold one" };

        var draft = new ApplianceDraft
        {
            Name = name ?? AppliancePart(system.Name ?? system.Product ?? system.Id),
            Version = system.Version is { } version && VersionPattern().IsMatch(version) ? version : "1.0",
            Label = system.Product ?? system.Name,
            Description = system.Annotation,
            Boot = new BootDescriptor
            {
                Type = BootType.Hvm,
                Arch = "x86_64",
                Features = [new FeatureRequirement("acpi", true, SourceLocation.None), new FeatureRequirement("apic", true, SourceLocation.None)],
                Os = new BootOs { HasLoader = true, LoaderDevice = "hd", Firmware = system.Efi ? Firmware.Efi : Firmware.Bios },
            },
            Devices = new DeviceSettings { Vcpus = system.Vcpus, MemoryKiB = system.MemoryBytes / 1024, Interfaces = system.Nics },
            Disks = disks,
            Parameters = [.. system.Properties.Select(property => Parameter(property, notes)).OfType<SiteParameter>()],
        };
        if (system.Version is { } given && !VersionPattern().IsMatch(given))
            notes.Add($"the product version '{given}' is not a version an appliance can have (digits and dots); imported as 1.0 (give --version … to init, or edit appliance.xml)");
        if (system.OperatingSystem is { } os && !os.Contains("64", StringComparison.Ordinal))
            notes.Add($"the guest operating system '{os}' is not marked 64-bit; the appliance boots as x86_64 (a 32-bit guest runs there too)");
        if (original is null)
            return draft with { NotCarried = notes };

        var boot = original.Boots[0];
        return draft with
        {
            Name = name ?? original.Name ?? draft.Name,
            Version = original.Version ?? draft.Version,
            Release = original.Release,
            Label = original.Label ?? draft.Label,
            Description = original.Description ?? draft.Description,
            Boot = boot with
            {
                Os = boot.Os with
                {
                    Kernel = boot.Os.Kernel is null ? null : Existing(folder, boot.Os.Kernel, source),
                    Initrd = boot.Os.Initrd is null ? null : Existing(folder, boot.Os.Initrd, source),
                    Firmware = draft.Boot.Os.Firmware == Firmware.Efi ? Firmware.Efi : boot.Os.Firmware,
                },
                Drives = [],
            },
            Devices = original.Devices with { Vcpus = system.Vcpus, MemoryKiB = system.MemoryBytes / 1024, Interfaces = Math.Max(system.Nics, original.Devices.Interfaces) },
            Health = original.Health,
            Parameters = original.Parameters,
            Templates = [.. original.Templates.Select(template => template with { Source = Existing(folder, template.Source, source) })],
            Stateless = original.Stateless,
            Requirements = original.Requirements,
            NotCarried = notes,
        };
    }

    /// <summary>virt-appliance's section, read as a descriptor (its paths resolve in the package's folder).</summary>
    private static ApplianceDescriptor? ReadOwnSection(OvfVirtualSystem system, string folder, string source)
    {
        if (system.ApplianceDescriptor is not { } image)
            return null;
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(image.ToString()));
        var read = DescriptorReader.Read(stream, $"{source} (ApplianceSection)", folder);
        if (read.Descriptor is null || read.Problems.Any(problem => problem.Severity == Severity.Error) || read.Descriptor.Boots.Count == 0)
            throw new DescriptorInvalidException($"{source} (ApplianceSection)", read.Problems);
        return read.Descriptor;
    }

    private static string Existing(string folder, string relative, string source)
    {
        var path = Path.GetFullPath(Path.Combine(folder, relative));
        if (!path.StartsWith(Path.GetFullPath(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(path))
            throw new IntegrityException($"{source}: the appliance section names {relative}, which the package does not hold") { Hint = "the package is incomplete: fetch it again" };
        return path;
    }

    /// <summary>A ProductSection property as a site parameter; null (with a note) when it cannot be one.</summary>
    internal static SiteParameter? Parameter(OvfProperty property, List<string> notes)
    {
        var name = ParameterName(property.Key);
        if (name != property.Key)
            notes.Add($"property '{property.Key}' is the site parameter '{name}' (parameter names are lower case letters, digits and _)");
        var qualifiers = property.Qualifiers ?? "";
        var choices = ValueMapPattern().Match(qualifiers) is { Success: true } valueMap
            ? valueMap.Groups[1].Value.Split(',').Select(choice => choice.Trim().Trim('"')).Where(choice => choice.Length > 0).ToList()
            : [];
        ParameterType type;
        if (property.ApplianceType is { } own && XmlNames.ParameterTypes.TryGetValue(own, out var ownType))
            type = ownType;
        else if (property.Password)
            type = ParameterType.Password;
        else if (choices.Count > 0)
            type = ParameterType.Enum;
        else
            type = property.Type.ToLowerInvariant() switch
            {
                "boolean" => ParameterType.Bool,
                "int" or "uint8" or "uint16" or "uint32" or "uint64" or "sint8" or "sint16" or "sint32" or "sint64" => ParameterType.Int,
                _ => ParameterType.String,
            };
        if (property.Type.StartsWith("real", StringComparison.OrdinalIgnoreCase))
            notes.Add($"property '{property.Key}' is a {property.Type}; the site parameter '{name}' takes it as a string");
        long? minimum = Qualifier(qualifiers, "MinValue");
        long? maximum = Qualifier(qualifiers, "MaxValue");
        if (type is not (ParameterType.Int or ParameterType.Port))
            (minimum, maximum) = (null, null);
        var value = string.IsNullOrEmpty(property.Value) ? null : property.Value;
        if (type == ParameterType.Bool && value is not null)
            value = value.ToLowerInvariant();
        var parameter = new SiteParameter
        {
            Name = name,
            Type = type,
            Label = property.Label,
            Description = property.Description,
            Choices = type == ParameterType.Enum ? choices : [],
            Minimum = minimum,
            Maximum = maximum,
        };
        if (value is not null && type == ParameterType.Password)
        {
            notes.Add($"the default of password property '{property.Key}' is dropped: an appliance never carries a password");
            value = null;
        }
        if (value is not null && ParameterValues.Check(parameter, value) is { } wrong)
        {
            notes.Add($"the default of property '{property.Key}' is dropped: {wrong}");
            value = null;
        }
        if (!property.UserConfigurable)
            notes.Add($"property '{property.Key}' is not user-configurable in the package; as a site parameter it can be set");
        return parameter with { Default = value, Required = property.ApplianceRequired ?? value is null };
    }

    private static long? Qualifier(string qualifiers, string name) =>
        Regex.Match(qualifiers, name + @"\((-?\d+)\)", RegexOptions.None, TimeSpan.FromSeconds(1)) is { Success: true } match
        && long.TryParse(match.Groups[1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    internal static string ParameterName(string key)
    {
        var builder = new StringBuilder();
        foreach (var character in key.ToLowerInvariant())
            builder.Append(char.IsAsciiLetterLower(character) || char.IsAsciiDigit(character) || character == '_' ? character : '_');
        var name = builder.ToString();
        return name.Length > 0 && char.IsAsciiLetterLower(name[0]) ? name : "p_" + name;
    }

    /// <summary>An appliance name from a product or VM name: letters, digits, '-', '_', '.', '+'.</summary>
    private static string AppliancePart(string text)
    {
        var builder = new StringBuilder();
        foreach (var character in text.Trim())
            builder.Append(char.IsAsciiLetterOrDigit(character) || character is '-' or '_' or '.' or '+' ? character : '-');
        var result = builder.ToString().Trim('-');
        return result.Length == 0 ? "imported" : result;
    }

    /// <summary>A disk id as ApplianceFolderWriter makes it from a file name.</summary>
    private static string IdOf(string stem)
    {
        var builder = new StringBuilder();
        foreach (var character in stem)
            builder.Append(char.IsAsciiLetterOrDigit(character) || character is '-' or '_' or '.' ? character : '-');
        var id = builder.ToString().Trim('-', '.');
        return id.Length == 0 ? "disk" : id;
    }

    private static string NextTarget(string bus, Dictionary<string, int> taken)
    {
        var next = taken.GetValueOrDefault(bus);
        taken[bus] = next + 1;
        return $"{bus}{(char)('a' + next)}";
    }

    [GeneratedRegex(@"^[0-9.]+(-[0-9.]+)?$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"ValueMap\{([^}]*)\}")]
    private static partial Regex ValueMapPattern();
}
