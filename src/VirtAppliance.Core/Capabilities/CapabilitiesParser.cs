using System.Globalization;
using System.Xml.Linq;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Capabilities;

/// <summary>
/// Reads libvirt's capabilities XML (<c>virsh capabilities</c>) and domain capabilities XML
/// (<c>virsh domcapabilities</c>). Both come from outside: parsed without DTDs or external
/// resolution and with a bounded size; malformed input throws <see cref="InvalidDataException"/>
/// that names the line.
/// </summary>
public static class CapabilitiesParser
{
    /// <summary>Parses <c>&lt;capabilities&gt;</c>. Guests of OS types other than hvm and xen (lxc's exe …) are left out.</summary>
    public static HostCapabilities ParseHost(string xml)
    {
        var root = SafeXml.Parse(xml, "The host capabilities").Root!;
        Expect(root, "capabilities");

        var host = Required(root, "host");
        var cpu = Required(host, "cpu");
        var arch = RequiredText(cpu, "arch");

        var cells = host.Element("topology")?.Element("cells")?.Elements("cell").ToList() ?? [];
        long? memory = null;
        foreach (var cellMemory in cells.Select(cell => cell.Element("memory")).OfType<XElement>())
        {
            var kib = MemoryUnits.ToKiB(ParseLong(cellMemory), (string?)cellMemory.Attribute("unit"))
                ?? throw Invalid(cellMemory, $"unknown memory unit '{(string?)cellMemory.Attribute("unit")}'");
            memory = (memory ?? 0) + kib;
        }

        var guests = root.Elements("guest").Select(ParseGuest).OfType<GuestCapability>().ToList();
        return new HostCapabilities(arch, memory, CountCpus(cpu, cells), guests);
    }

    /// <summary>Parses <c>&lt;domainCapabilities&gt;</c>.</summary>
    public static DomainCapabilities ParseDomain(string xml)
    {
        var root = SafeXml.Parse(xml, "The domain capabilities").Root!;
        Expect(root, "domainCapabilities");

        var domain = RequiredText(root, "domain");
        var vcpu = root.Element("vcpu");
        var os = root.Element("os") is { } osElement ? ParseOs(osElement) : null;
        var disk = root.Element("devices")?.Element("disk");

        return new DomainCapabilities(
            Text(root, "path"),
            CapabilitiesSpelling.ParseVirtType(domain),
            Text(root, "machine"),
            Text(root, "arch"),
            vcpu?.Attribute("max") is { } max ? ParseInt(max) : null,
            os,
            disk is null ? [] : EnumValues(disk, "bus"),
            disk is null ? [] : EnumValues(disk, "diskDevice"));
    }

    private static GuestCapability? ParseGuest(XElement guest)
    {
        var osTypeElement = Required(guest, "os_type");
        if (CapabilitiesSpelling.TryParseOsType(osTypeElement.Value) is not { } osType)
        {
            return null;
        }

        var arch = Required(guest, "arch");
        var archName = (string?)arch.Attribute("name");
        if (string.IsNullOrWhiteSpace(archName))
        {
            throw Invalid(arch, "<arch> has no name");
        }

        var domains = arch.Elements("domain")
            .Select(domain =>
            {
                var typeName = (string?)domain.Attribute("type") ?? throw Invalid(domain, "<domain> has no type");
                return new GuestDomainCapability(
                    CapabilitiesSpelling.ParseVirtType(typeName),
                    typeName,
                    Text(domain, "emulator"),
                    ParseMachines(domain));
            })
            .ToList();

        var features = guest.Element("features")?.Elements()
            .Select(feature => new GuestFeatureCapability(
                feature.Name.LocalName,
                OnOff(feature, "default", "on", "off"),
                OnOff(feature, "toggle", "yes", "no")))
            .ToList() ?? [];

        return new GuestCapability(
            osType,
            archName.Trim(),
            arch.Element("wordsize") is { } wordsize ? ParseInt(wordsize) : null,
            Text(arch, "emulator"),
            Text(arch, "loader"),
            ParseMachines(arch),
            domains,
            features);
    }

    private static List<MachineCapability> ParseMachines(XElement parent) =>
        parent.Elements("machine")
            .Select(machine => new MachineCapability(
                machine.Value.Trim(),
                (string?)machine.Attribute("canonical"),
                machine.Attribute("maxCpus") is { } maxCpus ? ParseInt(maxCpus) : null))
            .Where(machine => machine.Name.Length > 0)
            .ToList();

    private static DomainCapabilitiesOs ParseOs(XElement os)
    {
        var loader = os.Element("loader") is { } element
            ? new DomainCapabilitiesLoader(
                Supported(element),
                element.Elements("value").Select(value => value.Value.Trim()).ToList(),
                EnumValues(element, "type"),
                EnumValues(element, "secure"))
            : null;
        return new DomainCapabilitiesOs(Supported(os), EnumValues(os, "firmware"), loader);
    }

    private static int? CountCpus(XElement cpu, List<XElement> cells)
    {
        var cellCpus = cells.Select(cell => cell.Element("cpus")?.Attribute("num")).OfType<XAttribute>().ToList();
        if (cellCpus.Count > 0)
        {
            return cellCpus.Sum(ParseInt);
        }

        if (cpu.Element("topology") is not { } topology)
        {
            return null;
        }

        // dies is absent before libvirt 6.0; every other part is required when topology is given.
        string[] parts = ["sockets", "dies", "cores", "threads"];
        return parts
            .Select(part => topology.Attribute(part) is { } attribute ? ParseInt(attribute) : part == "dies" ? 1 : 0)
            .Aggregate(1, (product, factor) => checked(product * factor));
    }

    private static bool Supported(XElement element) => (string?)element.Attribute("supported") != "no";

    private static List<string> EnumValues(XElement parent, string name) =>
        parent.Elements("enum")
            .Where(element => (string?)element.Attribute("name") == name)
            .SelectMany(element => element.Elements("value"))
            .Select(value => value.Value.Trim())
            .ToList();

    private static bool? OnOff(XElement element, string attributeName, string yes, string no)
    {
        if (element.Attribute(attributeName) is not { } attribute)
        {
            return null;
        }

        return attribute.Value == yes ? true
            : attribute.Value == no ? false
            : throw Invalid(attribute, $"{attributeName}='{attribute.Value}' is neither '{yes}' nor '{no}'");
    }

    private static void Expect(XElement root, string name)
    {
        if (root.Name != name)
        {
            throw Invalid(root, $"the document is <{root.Name}>, expected <{name}>");
        }
    }

    private static XElement Required(XElement parent, string name) =>
        parent.Element(name) ?? throw Invalid(parent, $"<{parent.Name}> has no <{name}>");

    private static string RequiredText(XElement parent, string name) =>
        Text(parent, name) ?? throw Invalid(parent, $"<{parent.Name}> has no <{name}>");

    private static string? Text(XElement parent, string name) =>
        parent.Element(name)?.Value.Trim() is { Length: > 0 } text ? text : null;

    private static int ParseInt(XObject node) =>
        int.TryParse(ValueOf(node), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Invalid(node, $"'{ValueOf(node)}' is not a whole number");

    private static long ParseLong(XObject node) =>
        long.TryParse(ValueOf(node), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Invalid(node, $"'{ValueOf(node)}' is not a whole number");

    private static string ValueOf(XObject node) => node switch
    {
        XAttribute attribute => attribute.Value.Trim(),
        XElement element => element.Value.Trim(),
        _ => string.Empty,
    };

    private static InvalidDataException Invalid(XObject node, string problem) =>
        new($"Invalid capabilities XML{SafeXml.Where(node)}: {problem}.");
}
