using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Interchange;

/// <summary>
/// Reads an OVF descriptor (DSP0243 1.x and 2.x, and oVirt's <c>Section xsi:type=…</c> spelling) into what an
/// import needs, with the safe XML reader (no DTD, bounded). Every problem is reported at once with file:line:column
/// (<see cref="DescriptorInvalidException"/>, exit 3); what an appliance cannot hold is returned as notes.
/// Elements are matched by local name inside the envelope's namespace or the CIM ones, since writers differ in
/// prefixes (VirtualBox's epasd/sasd URIs end in ".xsd", oVirt's envelope URI in "/").
/// </summary>
public static class OvfReader
{
    /// <summary>The largest descriptor read; real ones are a few KB.</summary>
    public const int MaxDescriptorBytes = 4 * 1024 * 1024;

    public static OvfEnvelope ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    /// <exception cref="DescriptorInvalidException">The descriptor is malformed or lacks what an import needs (exit 3).</exception>
    public static OvfEnvelope Read(Stream stream, string source)
    {
        ArgumentNullException.ThrowIfNull(stream);
        XDocument document;
        try
        {
            document = SafeXml.Load(stream, MaxDescriptorBytes);
        }
        catch (XmlException error)
        {
            throw new DescriptorInvalidException(source, [new DescriptorProblem(Severity.Error, new SourceLocation(source, Math.Max(1, error.LineNumber), Math.Max(1, error.LinePosition)),
                $"not a readable OVF descriptor: {error.Message}", "an OVF descriptor is well-formed XML without a DTD, at most 4 MiB")]) { Hint = Hint };
        }
        return new Parser(source).Parse(document);
    }

    private const string Hint = "the lines above say what is wrong in the OVF descriptor; fix it, or ask whoever made the package for a valid one";

    private sealed class Parser(string source)
    {
        private readonly List<DescriptorProblem> problems = [];
        private readonly List<string> notes = [];

        public OvfEnvelope Parse(XDocument document)
        {
            var root = document.Root!;
            var version = OvfNames.VersionOf(root.Name.NamespaceName);
            if (root.Name.LocalName != "Envelope" || version is null)
                throw Invalid(root, $"the root element is <{root.Name.LocalName}> in namespace '{root.Name.NamespaceName}', not an OVF <Envelope>",
                    $"an OVF descriptor starts with <Envelope xmlns=\"{OvfNames.Envelope1}\"> (or …/envelope/2)");

            var files = root.Elements().Where(e => SectionName(e) == "References").Elements().Where(e => e.Name.LocalName == "File").Select(ReadFile).OfType<OvfFileReference>().ToList();
            foreach (var duplicate in files.GroupBy(f => f.Id).Where(g => g.Count() > 1))
                Error(duplicate.Last().Location, $"two files have the id '{duplicate.Key}'");
            var disks = root.Elements().Where(e => SectionName(e) == "DiskSection").Elements().Where(e => e.Name.LocalName == "Disk").Select(ReadDisk).OfType<OvfDisk>().ToList();
            foreach (var disk in disks.Where(d => d.FileRef is not null && files.All(f => f.Id != d.FileRef)))
                Error(disk.Location, $"disk '{disk.DiskId}' names file '{disk.FileRef}', which References does not list");
            foreach (var section in root.Elements().Where(e => SectionName(e) is "NetworkSection"))
                notes.Add($"the networks the package names ({string.Join(", ", section.Elements().Where(e => e.Name.LocalName == "Network").Select(e => Attribute(e, "name")))}) are not kept: deploy attaches NICs with --network or user-mode networking");
            foreach (var section in root.Elements().Where(e => SectionName(e) is "DeploymentOptionSection"))
                notes.Add($"deployment options ({string.Join(", ", section.Elements().Where(e => e.Name.LocalName == "Configuration").Select(e => Attribute(e, "id")))}) are not kept: the default one is imported");

            var systems = root.Descendants().Where(e => SectionName(e) == "VirtualSystem").ToList();
            if (systems.Count == 0)
                throw Invalid(root, "the descriptor has no <VirtualSystem>", "an OVF package describes at least one virtual machine");
            if (systems.Count > 1)
                notes.Add($"the package holds {systems.Count} virtual systems; only the first ('{Attribute(systems[0], "id")}') is imported ({string.Join(", ", systems.Skip(1).Select(s => Attribute(s, "id")))} are not)");
            var system = ReadSystem(systems[0], disks, DefaultConfiguration(root));
            if (problems.Any(p => p.Severity == Severity.Error))
                throw new DescriptorInvalidException(source, problems) { Hint = Hint };
            return new OvfEnvelope(version, files, disks, system, [.. notes, .. problems.Select(p => p.ToString())]);
        }

        private OvfFileReference? ReadFile(XElement file)
        {
            var id = Required(file, "id");
            var href = Required(file, "href");
            if (id is null || href is null)
                return null;
            if (href.Contains("://", StringComparison.Ordinal) || href.StartsWith('/') || href.Split('/').Contains(".."))
            {
                Error(Where(file), $"file '{id}' is at '{href}', outside the package", "an importable package holds its files beside the descriptor");
                return null;
            }
            return new OvfFileReference(id, href, Number(file, "size"), Attribute(file, "compression"), Where(file));
        }

        private OvfDisk? ReadDisk(XElement disk)
        {
            var id = Required(disk, "diskId");
            if (id is null)
                return null;
            long? capacity;
            if (Attribute(disk, "capacity") is { } text)
            {
                var unit = Attribute(disk, "capacityAllocationUnits");
                var multiplier = unit is null ? 1 : Units(unit);
                if (multiplier is null)
                    Error(Where(disk), $"disk '{id}': capacityAllocationUnits '{unit}' is not a unit this reader knows", "write e.g. \"byte * 2^30\"");
                if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
                {
                    Error(Where(disk), $"disk '{id}': capacity '{text}' is not a positive whole number");
                    return null;
                }
                capacity = value * (multiplier ?? 1);
            }
            else if (Number(disk, "size") is { } gigabytes)
            {
                capacity = gigabytes * 1024L * 1024 * 1024; // oVirt: ovf:size in GiB
            }
            else
            {
                Error(Where(disk), $"disk '{id}' has no ovf:capacity");
                return null;
            }
            return new OvfDisk(id, Attribute(disk, "fileRef"), capacity.Value, Attribute(disk, "format"), Where(disk));
        }

        private static string? DefaultConfiguration(XElement root) =>
            root.Elements().Where(e => SectionName(e) == "DeploymentOptionSection").Elements().Where(e => e.Name.LocalName == "Configuration")
                .FirstOrDefault(e => Attribute(e, "default") == "true") is { } configuration ? Attribute(configuration, "id") : null;

        private OvfVirtualSystem ReadSystem(XElement system, IReadOnlyList<OvfDisk> disks, string? configuration)
        {
            var id = Attribute(system, "id") ?? "imported";
            var sections = system.Elements().ToList();
            var product = sections.FirstOrDefault(e => SectionName(e) == "ProductSection");
            var os = sections.FirstOrDefault(e => SectionName(e) == "OperatingSystemSection");
            var hardware = sections.Where(e => SectionName(e) == "VirtualHardwareSection").ToList();
            if (hardware.Count == 0)
                Error(Where(system), $"virtual system '{id}' has no VirtualHardwareSection", "without it the machine's CPUs, memory and disks are unknown");
            if (hardware.Count > 1)
                notes.Add($"virtual system '{id}' has {hardware.Count} VirtualHardwareSections (one per hypervisor); the first is imported");

            foreach (var section in sections.Where(e => SectionName(e) is { } name && name.EndsWith("Section", StringComparison.Ordinal)
                && name is not ("ProductSection" or "OperatingSystemSection" or "VirtualHardwareSection" or "AnnotationSection" or "EulaSection") && e.Name.NamespaceName != OvfNames.Appliance))
                notes.Add($"{SectionName(section)} of '{id}' is not kept{(Attribute(section, "required") == "false" ? "" : " (the package marks it required)")}");
            if (sections.Any(e => SectionName(e) == "EulaSection"))
                notes.Add($"the licence agreement (EulaSection) of '{id}' is not shown or kept: read it in the package before you deploy");

            var result = new OvfVirtualSystem
            {
                Id = id,
                Name = Text(sections.FirstOrDefault(e => e.Name.LocalName == "Name")),
                Product = Text(product?.Elements().FirstOrDefault(e => e.Name.LocalName == "Product")),
                Vendor = Text(product?.Elements().FirstOrDefault(e => e.Name.LocalName == "Vendor")),
                Version = Text(product?.Elements().FirstOrDefault(e => e.Name.LocalName == "Version")),
                FullVersion = Text(product?.Elements().FirstOrDefault(e => e.Name.LocalName == "FullVersion")),
                Annotation = Text(sections.FirstOrDefault(e => SectionName(e) == "AnnotationSection")?.Elements().FirstOrDefault(e => e.Name.LocalName == "Annotation"))
                    ?? Text(sections.FirstOrDefault(e => e.Name.LocalName == "Description")),
                OperatingSystem = os is null ? null : Text(os.Elements().FirstOrDefault(e => e.Name.LocalName == "Description")) ?? Attribute(os, "osType"),
                Properties = [.. sections.Where(e => SectionName(e) == "ProductSection").SelectMany(ReadProperties)],
                ApplianceDescriptor = sections.FirstOrDefault(e => e.Name.NamespaceName == OvfNames.Appliance && e.Name.LocalName == "ApplianceSection")
                    ?.Elements().FirstOrDefault(e => e.Name.LocalName == "image"),
            };
            return hardware.Count == 0 ? result : ReadHardware(hardware[0], result, disks, configuration);
        }

        private IEnumerable<OvfProperty> ReadProperties(XElement product)
        {
            var prefix = string.Join('.', new[] { Attribute(product, "class"), }.Where(p => !string.IsNullOrEmpty(p)));
            foreach (var property in product.Descendants().Where(e => e.Name.LocalName == "Property"))
            {
                var key = Required(property, "key");
                var type = Required(property, "type");
                if (key is null || type is null)
                    continue;
                yield return new OvfProperty(
                    prefix.Length == 0 ? key : $"{prefix}.{key}", type, Attribute(property, "value"), Attribute(property, "qualifiers"),
                    Attribute(property, "password") == "true", Attribute(property, "userConfigurable") != "false",
                    Text(property.Elements().FirstOrDefault(e => e.Name.LocalName == "Label")),
                    Text(property.Elements().FirstOrDefault(e => e.Name.LocalName == "Description")),
                    property.Attribute(XName.Get("type", OvfNames.Appliance))?.Value, Where(property),
                    property.Attribute(XName.Get("required", OvfNames.Appliance))?.Value is { } required ? required == "true" : null);
            }
        }

        private OvfVirtualSystem ReadHardware(XElement hardware, OvfVirtualSystem system, IReadOnlyList<OvfDisk> disks, string? configuration)
        {
            var items = hardware.Elements().Where(e => e.Name.LocalName is "Item" or "EthernetPortItem" or "StorageItem")
                .Where(e => configuration is null || Attribute(e, "configuration") is not { } only || only.Split(' ').Contains(configuration)).ToList();
            var controllers = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                if ((Value(item, "InstanceID") ?? Value(item, "InstanceId")) is { } instance
                    && int.TryParse(Value(item, "ResourceType"), NumberStyles.None, CultureInfo.InvariantCulture, out var type))
                    controllers[instance] = type;
            }
            var vcpus = system.Vcpus;
            var memory = system.MemoryBytes;
            var nics = 0;
            var drives = new List<OvfDriveAttachment>();
            var dropped = new List<string>();
            foreach (var item in items)
            {
                var type = ResourceType(item);
                switch (type)
                {
                    case OvfNames.Processor:
                        if (Value(item, "VirtualQuantity") is { } count && int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var cpus) && cpus > 0)
                            vcpus = cpus;
                        else if (Value(item, "num_of_sockets") is { } sockets && Value(item, "cpu_per_socket") is { } cores
                            && int.TryParse(sockets, CultureInfo.InvariantCulture, out var s) && int.TryParse(cores, CultureInfo.InvariantCulture, out var c) && s * c > 0)
                            vcpus = s * c; // oVirt
                        else
                            Error(Where(item), "the processor item has no positive VirtualQuantity");
                        break;
                    case OvfNames.Memory:
                        var units = Value(item, "AllocationUnits");
                        var multiplier = units is null ? 1024 * 1024 : Units(units);
                        if (multiplier is null)
                            Error(Where(item), $"memory AllocationUnits '{units}' is not a unit this reader knows", "write e.g. \"byte * 2^20\" (MiB)");
                        else if (Value(item, "VirtualQuantity") is { } quantity && long.TryParse(quantity, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount > 0)
                            memory = amount * multiplier.Value;
                        else
                            Error(Where(item), "the memory item has no positive VirtualQuantity");
                        break;
                    case OvfNames.EthernetAdapter:
                        nics++;
                        break;
                    case OvfNames.DiskDrive:
                        var resource = Value(item, "HostResource");
                        var disk = resource is null ? null : disks.FirstOrDefault(d => Matches(resource, d));
                        if (disk is null)
                        {
                            Error(Where(item), $"disk drive '{Value(item, "ElementName") ?? "?"}' refers to '{resource}', which DiskSection does not list",
                                "a disk drive's HostResource is ovf:/disk/DISKID");
                            break;
                        }
                        var parent = Value(item, "Parent");
                        var bus = parent is not null && controllers.TryGetValue(parent, out var controller)
                            ? controller switch { OvfNames.IdeController => "hd", OvfNames.ScsiController or OvfNames.OtherStorage => "sd", _ => "vd" }
                            : "vd";
                        drives.Add(new OvfDriveAttachment(disk.DiskId, bus, Where(item)));
                        break;
                    case OvfNames.IdeController or OvfNames.ScsiController or OvfNames.OtherStorage:
                        break;
                    case OvfNames.CdDrive or OvfNames.DvdDrive or OvfNames.FloppyDrive or OvfNames.UsbController or OvfNames.Graphics or OvfNames.Sound:
                        dropped.Add(Value(item, "ElementName") ?? Value(item, "Caption") ?? $"ResourceType {type}");
                        break;
                    default:
                        dropped.Add($"{Value(item, "ElementName") ?? Value(item, "Caption") ?? "an item"} (ResourceType {(type is null ? "?" : type.Value.ToString(CultureInfo.InvariantCulture))})");
                        break;
                }
            }
            if (dropped.Count > 0)
                notes.Add($"hardware not carried over (the appliance gets libvirt's defaults or none): {string.Join(", ", dropped)}");
            foreach (var unused in disks.Where(d => drives.All(drive => drive.DiskId != d.DiskId)))
                notes.Add($"disk '{unused.DiskId}' is attached to no drive of '{system.Id}'; it is imported as a further disk");
            drives.AddRange(disks.Where(d => drives.All(drive => drive.DiskId != d.DiskId)).Select(d => new OvfDriveAttachment(d.DiskId, "vd", d.Location)));

            var efi = hardware.Elements().Any(e => e.Name.LocalName == "Config" && e.Attribute(XName.Get("key", OvfNames.Vmware))?.Value == "firmware"
                    && e.Attribute(XName.Get("value", OvfNames.Vmware))?.Value == "efi")
                || hardware.Parent!.Descendants().Any(e => e.Name.NamespaceName == OvfNames.VirtualBox && e.Name.LocalName == "Firmware"
                    && string.Equals(e.Attribute("type")?.Value, "EFI", StringComparison.OrdinalIgnoreCase));
            return system with { Vcpus = vcpus, MemoryBytes = memory, Nics = nics, Drives = drives, Efi = efi };
        }

        private static bool Matches(string hostResource, OvfDisk disk) =>
            hostResource == $"ovf:/disk/{disk.DiskId}" || hostResource == $"/disk/{disk.DiskId}" || hostResource == disk.FileRef || hostResource == disk.DiskId
            || (disk.FileRef is not null && hostResource.EndsWith("/" + disk.DiskId, StringComparison.Ordinal)); // oVirt: IMAGEGROUP/IMAGE

        private int? ResourceType(XElement item)
        {
            var text = Value(item, "ResourceType");
            if (text is null)
            {
                Error(Where(item), "a hardware item has no ResourceType");
                return null;
            }
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var type))
                return type;
            Error(Where(item), $"ResourceType '{text}' is not a number");
            return null;
        }

        /// <summary>Bytes per unit of a DSP0004 programmatic unit ("byte * 2^20") or the plain names writers use ("MegaBytes", "MB").</summary>
        internal static long? Units(string text)
        {
            var unit = string.Concat(text.Where(c => !char.IsWhiteSpace(c))).ToLowerInvariant();
            switch (unit)
            {
                case "byte" or "bytes" or "b":
                    return 1;
                case "kilobytes" or "kb" or "kib":
                    return 1024;
                case "megabytes" or "mb" or "mib":
                    return 1024 * 1024;
                case "gigabytes" or "gb" or "gib":
                    return 1024L * 1024 * 1024;
                case "terabytes" or "tb" or "tib":
                    return 1024L * 1024 * 1024 * 1024;
            }
            foreach (var (prefix, baseValue) in new[] { ("byte*2^", 2L), ("byte*10^", 10L) })
            {
                if (unit.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(unit.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var power) && power <= 40)
                {
                    long value = 1;
                    for (var i = 0; i < power; i++)
                        value *= baseValue;
                    return value;
                }
            }
            return null;
        }

        /// <summary>The element's section name: its local name, or for oVirt's &lt;Section xsi:type="ovf:DiskSection_Type"&gt; the type's.</summary>
        private static string? SectionName(XElement element)
        {
            if (element.Name.LocalName is not ("Section" or "Content"))
                return element.Name.LocalName;
            var type = element.Attribute(XName.Get("type", OvfNames.Xsi))?.Value;
            if (type is null)
                return element.Name.LocalName;
            var name = type[(type.IndexOf(':', StringComparison.Ordinal) + 1)..];
            return name.EndsWith("_Type", StringComparison.Ordinal) ? name[..^"_Type".Length] : name;
        }

        /// <summary>An attribute by local name, in an OVF envelope namespace, VMware's, or none (writers differ).</summary>
        private static string? Attribute(XElement element, string localName) =>
            element.Attributes().FirstOrDefault(a => a.Name.LocalName == localName
                && (a.Name.NamespaceName.Length == 0 || OvfNames.VersionOf(a.Name.NamespaceName) is not null || a.Name.NamespaceName == OvfNames.Vmware))?.Value;

        private string? Required(XElement element, string localName)
        {
            var value = Attribute(element, localName);
            if (string.IsNullOrEmpty(value))
                Error(Where(element), $"<{element.Name.LocalName}> has no ovf:{localName}");
            return string.IsNullOrEmpty(value) ? null : value;
        }

        private long? Number(XElement element, string localName)
        {
            var text = Attribute(element, localName);
            if (text is null)
                return null;
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                return value;
            Error(Where(element), $"ovf:{localName} '{text}' is not a whole number");
            return null;
        }

        /// <summary>The text of a CIM child (rasd:, epasd:, sasd:, vssd:) by local name.</summary>
        private static string? Value(XElement item, string localName) =>
            Text(item.Elements().FirstOrDefault(e => e.Name.LocalName == localName));

        private static string? Text(XElement? element) =>
            element is null || string.IsNullOrWhiteSpace(element.Value) ? null : element.Value.Trim();

        private SourceLocation Where(XObject node) =>
            node is IXmlLineInfo info && info.HasLineInfo() ? new SourceLocation(source, info.LineNumber, info.LinePosition) : new SourceLocation(source, 0, 0);

        private void Error(SourceLocation where, string message, string? hint = null) =>
            problems.Add(new DescriptorProblem(Severity.Error, where, message, hint));

        private DescriptorInvalidException Invalid(XObject node, string message, string hint)
        {
            Error(Where(node), message, hint);
            return new DescriptorInvalidException(source, problems) { Hint = Hint };
        }
    }
}
