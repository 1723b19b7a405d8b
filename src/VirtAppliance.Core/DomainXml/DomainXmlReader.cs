using System.Globalization;
using System.Xml.Linq;
using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Images;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.DomainXml;

/// <summary>
/// Reads domain XML back into a <see cref="DomainDefinition"/>: the parts this tool writes, from
/// its own output or from libvirt's (<c>virsh dumpxml</c>); elements it does not model (addresses,
/// aliases, devices libvirt added) are left out. Malformed input throws <see cref="InvalidDataException"/>.
/// </summary>
public static class DomainXmlReader
{
    public static DomainDefinition Read(string xml)
    {
        var domain = SafeXml.Parse(xml, "The domain XML").Root!;
        if (domain.Name != "domain")
        {
            throw Invalid(domain, $"the document is <{domain.Name}>, expected <domain>");
        }

        var typeName = Attribute(domain, "type");
        var type = CapabilitiesSpelling.ParseVirtType(typeName);
        if (type == VirtType.Other)
        {
            throw Invalid(domain, $"domain type '{typeName}' is not one this tool runs");
        }

        var uuidText = Text(domain, "uuid");
        if (!Guid.TryParse(uuidText, out var uuid))
        {
            throw Invalid(domain, $"'{uuidText}' is not a UUID");
        }

        var memory = Required(domain, "memory");
        var memoryKiB = MemoryUnits.ToKiB(Long(memory), (string?)memory.Attribute("unit"))
            ?? throw Invalid(memory, $"unknown memory unit '{(string?)memory.Attribute("unit")}'");
        var features = domain.Element("features");
        var metadata = domain.Element("metadata")?.Element(XName.Get("instance", MetadataNamespace.Instance.Uri));

        return new DomainDefinition(
            type,
            Text(domain, "name"),
            uuid,
            metadata is null ? null : InstanceMetadata.Parse(metadata.ToString()),
            memoryKiB,
            Int(Required(domain, "vcpu")),
            domain.Element("bootloader")?.Value.Trim(),
            Os(Required(domain, "os")),
            features is null ? null : new DomainFeatures(features.Element("pae") is not null, features.Element("acpi") is not null, features.Element("apic") is not null),
            domain.Element("clock") is { } clock ? new DomainClock(Enum<ClockOffset>(clock, "offset", DomainXmlSpelling.ToXml)) : null,
            Lifecycle(domain, "on_poweroff", LifecycleAction.Destroy),
            Lifecycle(domain, "on_reboot", LifecycleAction.Restart),
            Lifecycle(domain, "on_crash", LifecycleAction.Destroy),
            Devices(Required(domain, "devices"), domain.Element(XName.Get("commandline", QemuNetdev.Namespace))));
    }

    private static DomainOs Os(XElement os)
    {
        var type = Required(os, "type");
        var osTypeText = type.Value.Trim();
        var osType = CapabilitiesSpelling.TryParseOsType(osTypeText) ?? throw Invalid(type, $"os type '{osTypeText}' is neither hvm nor xen");
        var loader = os.Element("loader");
        return new DomainOs(
            new DomainOsType(osType, Attribute(type, "arch"), (string?)type.Attribute("machine")),
            os.Attribute("firmware") is null ? null : Enum<OsFirmware>(os, "firmware", DomainXmlSpelling.ToXml),
            loader is null ? null : new DomainLoader(
                loader.Value.Trim(),
                loader.Attribute("type") is null ? LoaderType.Rom : Enum<LoaderType>(loader, "type", DomainXmlSpelling.ToXml),
                (string?)loader.Attribute("readonly") == "yes"),
            os.Elements("boot").Select(boot => Enum<BootDevice>(boot, "dev", DomainXmlSpelling.ToXml)).ToList(),
            os.Element("kernel")?.Value.Trim(),
            os.Element("initrd")?.Value.Trim(),
            os.Element("cmdline")?.Value);
    }

    private static DomainDevices Devices(XElement devices, XElement? qemuCommandLine) => new(
        devices.Element("emulator")?.Value.Trim(),
        devices.Elements("disk").Select(Disk).ToList(),
        // libvirt adds usb, pci, ide … controllers of its own; only those this tool writes are read.
        devices.Elements("controller")
            .Where(controller => (string?)controller.Attribute("type") == "scsi")
            .Select(controller => new DomainController(
                ControllerType.Scsi,
                controller.Attribute("index") is { } index ? Int(index) : 0,
                (string?)controller.Attribute("model")))
            .ToList(),
        [
            .. devices.Elements("interface")
                .Where(nic => (string?)nic.Attribute("type") is "network" or "bridge")
                .Select(nic => new DomainInterface(
                    (string?)nic.Attribute("type") == "bridge"
                        ? new BridgeInterfaceSource(Attribute(Required(nic, "source"), "bridge"))
                        : new NetworkInterfaceSource(Attribute(Required(nic, "source"), "network")),
                    (string?)nic.Element("model")?.Attribute("type"),
                    (string?)nic.Element("mac")?.Attribute("address"))),
            .. QemuNetdev.Read(qemuCommandLine?.Elements(XName.Get("arg", QemuNetdev.Namespace)).Select(arg => (string?)arg.Attribute("value") ?? "").ToList() ?? []),
        ],
        devices.Elements("serial").Select(serial => new DomainSerial(CharDevice(serial), Port(serial))).ToList(),
        devices.Elements("console").Select(console => new DomainConsole(
            CharDevice(console),
            Enum<ConsoleTarget>(Required(console, "target"), "type", DomainXmlSpelling.ToXml),
            Port(console))).ToList(),
        devices.Elements("graphics").Select(graphics => new DomainGraphics(
            Enum<GraphicsType>(graphics, "type", DomainXmlSpelling.ToXml),
            (string?)graphics.Attribute("listen") ?? (string?)graphics.Element("listen")?.Attribute("address") ?? "127.0.0.1")).ToList())
    {
        Channels = [.. devices.Elements("channel")
            .Where(channel => (string?)channel.Attribute("type") == "unix" && (string?)channel.Element("target")?.Attribute("type") == "virtio")
            .Select(channel => (string?)channel.Element("target")?.Attribute("name")).OfType<string>().Select(name => new DomainChannel(name))],
    };

    private static DomainDisk Disk(XElement disk)
    {
        var source = Required(disk, "source");
        DiskSource diskSource = Attribute(disk, "type") switch
        {
            "file" => new FileDiskSource(Attribute(source, "file")),
            "block" => new BlockDiskSource(Attribute(source, "dev")),
            "network" => new NetworkDiskSource(
                Attribute(source, "protocol"),
                Attribute(source, "name"),
                Attribute(Required(source, "host"), "name"),
                source.Element("host")!.Attribute("port") is { } port ? Int(port) : null),
            var other => throw Invalid(disk, $"disk type '{other}' is not one this tool writes"),
        };
        var driver = Required(disk, "driver");
        var target = Required(disk, "target");
        return new DomainDisk(
            Enum<DiskDevice>(disk, "device", DomainXmlSpelling.ToXml),
            new DiskDriver(Enum<DiskDriverName>(driver, "name", DomainXmlSpelling.ToXml), DriverType(driver)),
            diskSource,
            new DiskTarget(Attribute(target, "dev"), Enum<DiskBus>(target, "bus", DomainXmlSpelling.ToXml)),
            disk.Element("readonly") is not null);
    }

    private static CharDeviceSource CharDevice(XElement device) => Attribute(device, "type") switch
    {
        "pty" => new PtyCharDeviceSource((string?)device.Element("log")?.Attribute("file"), (string?)device.Element("log")?.Attribute("append") == "on"),
        "file" => new FileCharDeviceSource(Attribute(Required(device, "source"), "path")),
        var other => throw Invalid(device, $"character device type '{other}' is not one this tool writes"),
    };

    private static int Port(XElement device) =>
        device.Element("target")?.Attribute("port") is { } port ? Int(port) : 0;

    private static LifecycleAction Lifecycle(XElement domain, string name, LifecycleAction libvirtDefault) =>
        domain.Element(name) is { } element ? Parse<LifecycleAction>(element, element.Value.Trim(), DomainXmlSpelling.ToXml) : libvirtDefault;

    private static DiskFormat DriverType(XElement driver)
    {
        var text = Attribute(driver, "type");
        return DiskFormatSpelling.TryParseDriverType(text, out var format)
            ? format
            : throw Invalid(driver, $"'{text}' is not a disk format this tool knows");
    }

    /// <summary>Reverses the one spelling table, so reading and writing cannot disagree.</summary>
    private static T Enum<T>(XElement element, string attribute, Func<T, string> toXml)
        where T : struct, Enum => Parse(element, Attribute(element, attribute), toXml);

    private static T Parse<T>(XElement element, string text, Func<T, string> toXml)
        where T : struct, Enum
    {
        foreach (var (value, xml) in DomainXmlSpelling.All(toXml))
        {
            if (xml == text)
            {
                return value;
            }
        }

        throw Invalid(element, $"'{text}' is not a {typeof(T).Name} this tool knows");
    }

    private static XElement Required(XElement parent, string name) =>
        parent.Element(name) ?? throw Invalid(parent, $"<{parent.Name}> has no <{name}>");

    private static string Text(XElement parent, string name) => Required(parent, name).Value.Trim();

    private static string Attribute(XElement element, string name) =>
        (string?)element.Attribute(name) ?? throw Invalid(element, $"<{element.Name.LocalName}> has no {name}=");

    private static long Long(XObject node)
    {
        var text = node is XAttribute attribute ? attribute.Value : ((XElement)node).Value;
        return long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Invalid(node, $"'{text.Trim()}' is not a whole number");
    }

    private static int Int(XObject node)
    {
        var value = Long(node);
        return value <= int.MaxValue ? (int)value : throw Invalid(node, $"{value} is too large");
    }

    private static InvalidDataException Invalid(XObject node, string problem) =>
        new($"Invalid domain XML{SafeXml.Where(node)}: {problem}.");
}
