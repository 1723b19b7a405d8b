using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Images;

namespace VirtAppliance.Core.DomainXml;

/// <summary>
/// Writes a <see cref="DomainDefinition"/> as libvirt domain XML: indented, elements always in the
/// same order, so that the output of equal definitions is byte-for-byte equal (golden files).
/// </summary>
public static class DomainXmlWriter
{
    private static readonly XNamespace Va = MetadataNamespace.Instance.Uri;

    public static string Write(DomainDefinition domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var settings = new XmlWriterSettings
        {
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            OmitXmlDeclaration = true,
            Encoding = new UTF8Encoding(false),
        };
        var text = new StringBuilder();
        using (var writer = XmlWriter.Create(text, settings))
        {
            ToXml(domain).WriteTo(writer);
        }

        return text.Append('\n').ToString();
    }

    /// <summary>The domain as an element, for callers that edit it further.</summary>
    public static XElement ToXml(DomainDefinition domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        return new XElement("domain",
            new XAttribute("type", domain.Type.ToXml()),
            new XElement("name", domain.Name),
            new XElement("uuid", domain.Uuid.ToString("D", CultureInfo.InvariantCulture)),
            domain.Metadata is { } metadata ? Metadata(metadata) : null,
            new XElement("memory", new XAttribute("unit", "KiB"), Number(domain.MemoryKiB)),
            new XElement("vcpu", Number(domain.Vcpus)),
            domain.Bootloader is { } bootloader ? new XElement("bootloader", bootloader) : null,
            Os(domain.Os),
            domain.Features is { Any: true } features ? Features(features) : null,
            domain.Clock is { } clock ? new XElement("clock", new XAttribute("offset", clock.Offset.ToXml())) : null,
            new XElement("on_poweroff", domain.OnPoweroff.ToXml()),
            new XElement("on_reboot", domain.OnReboot.ToXml()),
            new XElement("on_crash", domain.OnCrash.ToXml()),
            Devices(domain.Devices),
            QemuCommandLine(domain.Devices.Interfaces, domain.Os.Type.Machine));
    }

    private static readonly XNamespace Qemu = QemuNetdev.Namespace;

    private static XElement? QemuCommandLine(IEnumerable<DomainInterface> interfaces, string? machine)
    {
        var arguments = QemuNetdev.Arguments(interfaces, machine);
        return arguments.Count == 0 ? null : new XElement(Qemu + "commandline",
            new XAttribute(XNamespace.Xmlns + "qemu", QemuNetdev.Namespace),
            arguments.Select(argument => new XElement(Qemu + "arg", new XAttribute("value", argument))));
    }

    private static XElement Metadata(InstanceMetadata metadata) =>
        new("metadata",
            new XElement(Va + "instance",
                new XAttribute(XNamespace.Xmlns + MetadataNamespace.Instance.Prefix, MetadataNamespace.Instance.Uri),
                new XElement(Va + "appliance", metadata.ApplianceName),
                metadata.Version is { } version ? new XElement(Va + "version", version) : null,
                metadata.Release is { } release ? new XElement(Va + "release", release) : null,
                metadata.PackageDigest is { } digest ? new XElement(Va + "digest", digest) : null));

    private static XElement Os(DomainOs os) =>
        new("os",
            os.Firmware is { } firmware ? new XAttribute("firmware", firmware.ToXml()) : null,
            new XElement("type",
                new XAttribute("arch", os.Type.Arch),
                os.Type.Machine is { } machine ? new XAttribute("machine", machine) : null,
                os.Type.OsType.ToXml()),
            os.Loader is { } loader
                ? new XElement("loader",
                    new XAttribute("readonly", loader.ReadOnly ? "yes" : "no"),
                    new XAttribute("type", loader.Type.ToXml()),
                    loader.Path)
                : null,
            os.Kernel is { } kernel ? new XElement("kernel", kernel) : null,
            os.Initrd is { } initrd ? new XElement("initrd", initrd) : null,
            os.Cmdline is { } cmdline ? new XElement("cmdline", cmdline) : null,
            os.BootDevices.Select(device => new XElement("boot", new XAttribute("dev", device.ToXml()))));

    private static XElement Features(DomainFeatures features) =>
        new("features",
            features.Pae ? new XElement("pae") : null,
            features.Acpi ? new XElement("acpi") : null,
            features.Apic ? new XElement("apic") : null);

    private static XElement Devices(DomainDevices devices) =>
        new("devices",
            devices.Emulator is { } emulator ? new XElement("emulator", emulator) : null,
            devices.Disks.Select(Disk),
            devices.Controllers.Select(controller => new XElement("controller",
                new XAttribute("type", controller.Type.ToXml()),
                new XAttribute("index", Number(controller.Index)),
                controller.Model is { } model ? new XAttribute("model", model) : null)),
            devices.Interfaces.Where(nic => nic.Source is not UserInterfaceSource).Select(Interface),
            devices.Serials.Select(serial => new XElement("serial",
                CharDevice(serial.Source),
                new XElement("target", new XAttribute("port", Number(serial.Port))))),
            devices.Consoles.Select(console => new XElement("console",
                CharDevice(console.Source),
                new XElement("target",
                    new XAttribute("type", console.Target.ToXml()),
                    new XAttribute("port", Number(console.Port))))),
            devices.Channels.Select(channel => new XElement("channel",
                new XAttribute("type", "unix"),
                new XElement("target", new XAttribute("type", "virtio"), new XAttribute("name", channel.Name)))),
            devices.Graphics.Select(Graphics));

    private static XElement Disk(DomainDisk disk) =>
        new("disk",
            new XAttribute("type", DomainXmlSpelling.TypeOf(disk.Source)),
            new XAttribute("device", disk.Device.ToXml()),
            new XElement("driver",
                new XAttribute("name", disk.Driver.Name.ToXml()),
                new XAttribute("type", disk.Driver.Format.ToDriverType())),
            disk.Source switch
            {
                FileDiskSource file => new XElement("source", new XAttribute("file", file.Path)),
                BlockDiskSource block => new XElement("source", new XAttribute("dev", block.Device)),
                NetworkDiskSource network => new XElement("source",
                    new XAttribute("protocol", network.Protocol),
                    new XAttribute("name", network.Name),
                    new XElement("host",
                        new XAttribute("name", network.Host),
                        network.Port is { } port ? new XAttribute("port", Number(port)) : null)),
                _ => throw new ArgumentOutOfRangeException(nameof(disk), disk.Source, "Unknown disk source."),
            },
            new XElement("target", new XAttribute("dev", disk.Target.Device), new XAttribute("bus", disk.Target.Bus.ToXml())),
            disk.ReadOnly ? new XElement("readonly") : null);

    private static XElement Interface(DomainInterface nic) =>
        new("interface",
            new XAttribute("type", nic.Source is BridgeInterfaceSource ? "bridge" : "network"),
            nic.MacAddress is { } mac ? new XElement("mac", new XAttribute("address", mac)) : null,
            nic.Source switch
            {
                NetworkInterfaceSource network => new XElement("source", new XAttribute("network", network.Name)),
                BridgeInterfaceSource bridge => new XElement("source", new XAttribute("bridge", bridge.Name)),
                _ => throw new ArgumentOutOfRangeException(nameof(nic), nic.Source, "User-mode NICs are QEMU arguments, not <interface> elements."),
            },
            nic.Model is { } model ? new XElement("model", new XAttribute("type", model)) : null);

    // Nulls are skipped by XElement; an empty text node instead would stop the indentation.
    private static object?[] CharDevice(CharDeviceSource source) => source switch
    {
        PtyCharDeviceSource pty =>
        [
            new XAttribute("type", DomainXmlSpelling.TypeOf(source)),
            pty.LogFile is { } log
                ? new XElement("log", new XAttribute("file", log), new XAttribute("append", pty.Append ? "on" : "off"))
                : null,
        ],
        FileCharDeviceSource file =>
        [
            new XAttribute("type", DomainXmlSpelling.TypeOf(source)),
            new XElement("source", new XAttribute("path", file.Path)),
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "Unknown character device source."),
    };

    private static XElement Graphics(DomainGraphics graphics) =>
        new("graphics",
            new XAttribute("type", graphics.Type.ToXml()),
            new XAttribute("autoport", "yes"),
            new XAttribute("listen", graphics.ListenAddress),
            new XElement("listen", new XAttribute("type", "address"), new XAttribute("address", graphics.ListenAddress)));

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
