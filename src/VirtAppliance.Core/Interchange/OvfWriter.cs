using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Interchange;

/// <summary>
/// Writes an OVF 1.0 descriptor the way VirtualBox and VMware's ovftool write theirs (DSP0243 1.x): References,
/// DiskSection (streamOptimized VMDKs), NetworkSection, one VirtualSystem with ProductSection (site parameters as
/// properties), AnnotationSection, OperatingSystemSection and VirtualHardwareSection (CPUs, memory, one LSI Logic SCSI
/// controller with the disks in drive order, E1000 NICs on "NAT"). What OVF cannot say travels in virt-appliance's
/// own section (ovf:required="false", ignored by other tools): the whole descriptor, and the kernel, initrd and
/// templates as further files.
/// </summary>
public static class OvfWriter
{
    private static readonly XNamespace Ovf = OvfNames.Envelope1;
    private static readonly XNamespace Rasd = OvfNames.Rasd;
    private static readonly XNamespace Vssd = OvfNames.Vssd;
    private static readonly XNamespace Va = OvfNames.Appliance;

    /// <param name="disks">Every disk of the descriptor, in its storage order.</param>
    /// <param name="extraFiles">Further files (kernel, initrd, templates): name in the package and length.</param>
    public static string Write(ApplianceDescriptor descriptor, IReadOnlyList<OvfExportDisk> disks, IReadOnlyList<(string Href, long Bytes)> extraFiles)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(disks);
        ArgumentNullException.ThrowIfNull(extraFiles);
        var name = descriptor.Name ?? "appliance";
        var fileIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var references = new XElement(Ovf + "References");
        foreach (var (href, bytes) in disks.Where(d => d.Href is not null).Select(d => (d.Href!, d.FileBytes)).Concat(extraFiles))
        {
            var id = $"file{fileIds.Count + 1}";
            fileIds[href] = id;
            references.Add(new XElement(Ovf + "File", new XAttribute(Ovf + "href", href), new XAttribute(Ovf + "id", id), new XAttribute(Ovf + "size", Number(bytes))));
        }
        var diskSection = new XElement(Ovf + "DiskSection", new XElement(Ovf + "Info", "List of the virtual disks used in the package"),
            disks.Select(disk => new XElement(Ovf + "Disk",
                new XAttribute(Ovf + "capacity", Number(disk.CapacityBytes)),
                new XAttribute(Ovf + "capacityAllocationUnits", "byte"),
                new XAttribute(Ovf + "diskId", disk.Id),
                disk.Href is null ? null : new XAttribute(Ovf + "fileRef", fileIds[disk.Href]),
                disk.Href is null ? null : new XAttribute(Ovf + "format", OvfNames.StreamOptimizedVmdk))));

        var system = new XElement(Ovf + "VirtualSystem", new XAttribute(Ovf + "id", name),
            new XElement(Ovf + "Info", "A virtual machine"),
            new XElement(Ovf + "Name", name),
            Product(descriptor),
            descriptor.Description is null ? null : new XElement(Ovf + "AnnotationSection",
                new XElement(Ovf + "Info", "A description of the appliance"), new XElement(Ovf + "Annotation", descriptor.Description)),
            new XElement(Ovf + "OperatingSystemSection", new XAttribute(Ovf + "id", "101"),
                new XElement(Ovf + "Info", "The kind of installed guest operating system"), new XElement(Ovf + "Description", "Linux 64-Bit")),
            Hardware(descriptor, disks, name),
            new XElement(Va + "ApplianceSection", new XAttribute(Ovf + "required", "false"),
                new XElement(Ovf + "Info", "The virt-appliance descriptor: what OVF cannot say (kernel boot, health check, disk roles, templates)"),
                DescriptorWriter.ToXml(descriptor with { Disks = [.. descriptor.Disks.Select(disk => disk with { Checksum = null })] })));

        var envelope = new XElement(Ovf + "Envelope",
            new XAttribute(Ovf + "version", "1.0"),
            new XAttribute(XNamespace.Xml + "lang", "en-US"),
            new XAttribute(XNamespace.Xmlns + "ovf", OvfNames.Envelope1),
            new XAttribute("xmlns", OvfNames.Envelope1),
            new XAttribute(XNamespace.Xmlns + "rasd", OvfNames.Rasd),
            new XAttribute(XNamespace.Xmlns + "vssd", OvfNames.Vssd),
            new XAttribute(XNamespace.Xmlns + "xsi", OvfNames.Xsi),
            new XAttribute(XNamespace.Xmlns + "vmw", OvfNames.Vmware),
            new XAttribute(XNamespace.Xmlns + "va", OvfNames.Appliance),
            references,
            diskSection,
            descriptor.Devices.Interfaces == 0 ? null : new XElement(Ovf + "NetworkSection",
                new XElement(Ovf + "Info", "Logical networks used in the package"),
                new XElement(Ovf + "Network", new XAttribute(Ovf + "name", "NAT"), new XElement(Ovf + "Description", "Logical network used by this appliance."))),
            system);

        var builder = new StringBuilder();
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", NewLineChars = "\n", Encoding = new UTF8Encoding(false) };
        using (var writer = XmlWriter.Create(new StringWriterUtf8(builder), settings))
            new XDocument(new XDeclaration("1.0", "UTF-8", null), envelope).WriteTo(writer);
        return builder.Append('\n').ToString();
    }

    private static XElement Product(ApplianceDescriptor descriptor) =>
        new(Ovf + "ProductSection",
            new XElement(Ovf + "Info", "Meta-information about the installed software"),
            new XElement(Ovf + "Product", descriptor.Label ?? descriptor.Name),
            descriptor.Version is null ? null : new XElement(Ovf + "Version", descriptor.Version),
            descriptor.Version is null ? null : new XElement(Ovf + "FullVersion", descriptor.Release is null ? descriptor.Version : $"{descriptor.Version}-{descriptor.Release}"),
            descriptor.Parameters.Select(Property));

    /// <summary>A site parameter as an OVF property: the nearest CIM type, and virt-appliance's own type beside it.</summary>
    private static XElement Property(SiteParameter parameter)
    {
        var (type, qualifiers) = parameter.Type switch
        {
            ParameterType.Bool => ("boolean", null),
            ParameterType.Int => ("sint64", Range(parameter)),
            ParameterType.Port => ("uint16", Range(parameter)),
            ParameterType.Enum => ("string", $"ValueMap{{{string.Join(",", parameter.Choices.Select(choice => $"\"{choice}\""))}}}"),
            _ => ("string", (string?)null),
        };
        return new XElement(Ovf + "Property",
            new XAttribute(Ovf + "key", parameter.Name),
            new XAttribute(Ovf + "type", type),
            qualifiers is null ? null : new XAttribute(Ovf + "qualifiers", qualifiers),
            new XAttribute(Ovf + "userConfigurable", "true"),
            parameter.Default is null ? null : new XAttribute(Ovf + "value", parameter.Default),
            parameter.Type == ParameterType.Password ? new XAttribute(Ovf + "password", "true") : null,
            new XAttribute(Va + "type", XmlNames.Of(parameter.Type)),
            new XAttribute(Va + "required", parameter.Required ? "true" : "false"),
            parameter.Label is null ? null : new XElement(Ovf + "Label", parameter.Label),
            parameter.Description is null ? null : new XElement(Ovf + "Description", parameter.Description));
    }

    private static string? Range(SiteParameter parameter) =>
        parameter.Minimum is null && parameter.Maximum is null ? null
            : string.Join(' ', new[] { parameter.Minimum is { } min ? $"MinValue({Number(min)})" : null, parameter.Maximum is { } max ? $"MaxValue({Number(max)})" : null }.OfType<string>());

    private static XElement Hardware(ApplianceDescriptor descriptor, IReadOnlyList<OvfExportDisk> disks, string name)
    {
        var instance = 0;
        var section = new XElement(Ovf + "VirtualHardwareSection",
            new XElement(Ovf + "Info", "Virtual hardware requirements for a virtual machine"),
            new XElement(Ovf + "System",
                new XElement(Vssd + "ElementName", "Virtual Hardware Family"),
                new XElement(Vssd + "InstanceID", "0"),
                new XElement(Vssd + "VirtualSystemIdentifier", name),
                new XElement(Vssd + "VirtualSystemType", "vmx-07")));
        // rasd children in the schema's alphabetical order, as ovftool checks.
        section.Add(new XElement(Ovf + "Item",
            new XElement(Rasd + "AllocationUnits", "hertz * 10^6"),
            new XElement(Rasd + "Description", "Number of virtual CPUs"),
            new XElement(Rasd + "ElementName", $"{descriptor.Devices.Vcpus} virtual CPU(s)"),
            new XElement(Rasd + "InstanceID", Number(++instance)),
            new XElement(Rasd + "ResourceType", Number(OvfNames.Processor)),
            new XElement(Rasd + "VirtualQuantity", Number(descriptor.Devices.Vcpus))));
        var mib = (descriptor.Devices.MemoryKiB + 1023) / 1024;
        section.Add(new XElement(Ovf + "Item",
            new XElement(Rasd + "AllocationUnits", "byte * 2^20"),
            new XElement(Rasd + "Description", "Memory Size"),
            new XElement(Rasd + "ElementName", $"{mib}MB of memory"),
            new XElement(Rasd + "InstanceID", Number(++instance)),
            new XElement(Rasd + "ResourceType", Number(OvfNames.Memory)),
            new XElement(Rasd + "VirtualQuantity", Number(mib))));
        var controller = instance + 1;
        section.Add(new XElement(Ovf + "Item",
            new XElement(Rasd + "Address", "0"),
            new XElement(Rasd + "Description", "SCSI Controller"),
            new XElement(Rasd + "ElementName", "SCSI Controller 0"),
            new XElement(Rasd + "InstanceID", Number(++instance)),
            new XElement(Rasd + "ResourceSubType", "lsilogic"),
            new XElement(Rasd + "ResourceType", Number(OvfNames.ScsiController))));
        var order = descriptor.Boots.FirstOrDefault()?.Drives.Select(d => d.DiskId).ToList() ?? [];
        var unit = 0;
        foreach (var disk in disks.OrderBy(d => order.IndexOf(d.Id) is var i && i < 0 ? int.MaxValue : i))
        {
            section.Add(new XElement(Ovf + "Item",
                new XElement(Rasd + "AddressOnParent", Number(unit)),
                new XElement(Rasd + "ElementName", $"Hard Disk {unit + 1} ({disk.Id})"),
                new XElement(Rasd + "HostResource", $"ovf:/disk/{disk.Id}"),
                new XElement(Rasd + "InstanceID", Number(++instance)),
                new XElement(Rasd + "Parent", Number(controller)),
                new XElement(Rasd + "ResourceType", Number(OvfNames.DiskDrive))));
            unit++;
            if (unit == 7)
                unit++; // SCSI id 7 is the controller's own
        }
        for (var nic = 0; nic < descriptor.Devices.Interfaces; nic++)
        {
            section.Add(new XElement(Ovf + "Item",
                new XElement(Rasd + "AddressOnParent", Number(nic + 7)),
                new XElement(Rasd + "AutomaticAllocation", "true"),
                new XElement(Rasd + "Connection", "NAT"),
                new XElement(Rasd + "Description", "E1000 ethernet adapter on \"NAT\""),
                new XElement(Rasd + "ElementName", $"Ethernet adapter {nic + 1}"),
                new XElement(Rasd + "InstanceID", Number(++instance)),
                new XElement(Rasd + "ResourceSubType", "E1000"),
                new XElement(Rasd + "ResourceType", Number(OvfNames.EthernetAdapter))));
        }
        if (descriptor.Boots.FirstOrDefault()?.Os.Firmware == Firmware.Efi)
            section.Add(new XElement(XName.Get("Config", OvfNames.Vmware), new XAttribute(Ovf + "required", "false"),
                new XAttribute(XName.Get("key", OvfNames.Vmware), "firmware"), new XAttribute(XName.Get("value", OvfNames.Vmware), "efi")));
        return section;
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed class StringWriterUtf8(StringBuilder builder) : StringWriter(builder, CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => new UTF8Encoding(false);
    }
}
