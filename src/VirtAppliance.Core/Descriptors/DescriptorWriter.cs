using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using VirtAppliance.Core.Images;

namespace VirtAppliance.Core.Descriptors;

/// <summary>
/// Writes a descriptor in a fixed element order, so that read → write → read is stable and
/// golden files do not churn. Values are written normalised (memory in KiB, <c>data</c> as <c>user</c>).
/// </summary>
public static class DescriptorWriter
{
    public static string WriteString(ApplianceDescriptor descriptor)
    {
        var builder = new StringBuilder();
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", OmitXmlDeclaration = true, NewLineChars = "\n" };
        using (var writer = XmlWriter.Create(builder, settings))
            ToXml(descriptor).WriteTo(writer);
        return builder.Append('\n').ToString();
    }

    public static async Task WriteFileAsync(ApplianceDescriptor descriptor, string path, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, WriteString(descriptor), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }

    public static XElement ToXml(ApplianceDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var image = new XElement("image");
        if (descriptor.Name is not null)
            image.Add(new XElement("name",
                Optional("version", descriptor.Version), Optional("release", descriptor.Release), descriptor.Name));
        image.Add(OptionalElement("label", descriptor.Label), OptionalElement("description", descriptor.Description));
        image.Add(new XElement("domain", descriptor.Boots.Select(Boot), Devices(descriptor.Devices)));
        image.Add(new XElement("storage", descriptor.Disks.Select(Disk)));
        if (descriptor.Parameters.Count > 0)
            image.Add(new XElement("parameters", descriptor.Parameters.Select(Parameter)));
        if (descriptor.Templates.Count > 0)
            image.Add(new XElement("config", descriptor.Templates.Select(template => new XElement("template",
                new XAttribute("path", template.GuestPath), new XAttribute("source", template.Source), Optional("mode", template.Mode)))));
        if (descriptor.Health is { } health)
            image.Add(new XElement("health", new XAttribute("timeout", Number(health.TimeoutSeconds)),
                health.ConsolePattern is null ? null : new XElement("console", new XAttribute("pattern", health.ConsolePattern)),
                health.TcpPort is null ? null : new XElement("tcp", new XAttribute("port", Number(health.TcpPort.Value)))));
        if (descriptor.Stateless is { } stateless)
            image.Add(new XElement("stateless",
                stateless.Persistent.Select(path => new XElement("persistent", new XAttribute("path", path))),
                stateless.Temporary.Select(entry => new XElement("temporary", new XAttribute("path", entry.Path), new XAttribute("kind", XmlNames.Of(entry.Kind))))));
        if (descriptor.Requirements is { } requirements)
            image.Add(new XElement("requirements",
                requirements.MinMemoryKiB is null ? null : new XElement("memory", Number(requirements.MinMemoryKiB.Value)),
                requirements.MinVcpus is null ? null : new XElement("vcpus", Number(requirements.MinVcpus.Value))));
        image.Add(descriptor.Extensions.Select(extension => new XElement(extension)));
        return image;
    }

    private static XElement Boot(BootDescriptor boot)
    {
        var os = boot.Os;
        return new XElement("boot", new XAttribute("type", XmlNames.Of(boot.Type)),
            new XElement("guest",
                OptionalElement("os_type", boot.OsType),
                new XElement("arch", boot.Arch),
                boot.Features.Count == 0 ? null : new XElement("features", boot.Features.Select(feature =>
                    new XElement(feature.Name, feature.Enabled ? null : new XAttribute("state", "off"))))),
            new XElement("os",
                OptionalElement("type", os.Type),
                os.Firmware == Firmware.Bios ? null : new XElement("firmware", XmlNames.Of(os.Firmware)),
                os.HasLoader ? new XElement("loader", Optional("dev", os.LoaderDevice), os.Loader) : null,
                OptionalElement("kernel", os.Kernel),
                OptionalElement("initrd", os.Initrd),
                OptionalElement("cmdline", os.Cmdline)),
            boot.Drives.Select(drive => new XElement("drive",
                new XAttribute("disk", drive.DiskId), drive.TargetWasDefaulted ? null : new XAttribute("target", drive.Target))),
            boot.Extensions.Select(extension => new XElement(extension)));
    }

    private static XElement Devices(DeviceSettings devices) =>
        new("devices",
            new XElement("vcpu", Number(devices.Vcpus)),
            new XElement("memory", Number(devices.MemoryKiB)),
            Enumerable.Range(0, devices.Interfaces).Select(index => new XElement("interface",
                devices.Ports.Where(port => port.Interface == index).Select(port => new XElement("port",
                    new XAttribute("guest", Number(port.Guest)), Optional("name", port.Name))))),
            devices.Graphics ? new XElement("graphics") : null,
            devices.GuestAgent ? new XElement("guest-agent") : null);

    private static XElement Disk(DiskDescriptor disk) =>
        new("disk",
            disk.Id.Length > 0 && disk.Id != disk.File ? new XAttribute("id", disk.Id) : null,
            Optional("file", disk.File),
            new XAttribute("use", XmlNames.Of(disk.Role)),
            new XAttribute("format", disk.Format.ToText()),
            disk.SizeMiB is null ? null : new XAttribute("size", Number(disk.SizeMiB.Value)),
            disk.Checksum is null ? null : new XElement("checksum", new XAttribute("type", disk.Checksum.Algorithm), disk.Checksum.Value),
            disk.Partitions.Select(partition => new XElement("partition", new XAttribute("file", partition))),
            disk.Threshold is null ? null : new XElement("threshold",
                new XAttribute("warning", Number(disk.Threshold.Warning)), new XAttribute("critical", Number(disk.Threshold.Critical))),
            disk.Extensions.Select(extension => new XElement(extension)));

    private static XElement Parameter(SiteParameter parameter) =>
        new("parameter",
            new XAttribute("name", parameter.Name),
            new XAttribute("type", XmlNames.Of(parameter.Type)),
            parameter.Required ? new XAttribute("required", "true") : null,
            parameter.Minimum is null ? null : new XAttribute("min", Number(parameter.Minimum.Value)),
            parameter.Maximum is null ? null : new XAttribute("max", Number(parameter.Maximum.Value)),
            OptionalElement("label", parameter.Label),
            OptionalElement("description", parameter.Description),
            parameter.Default is null ? null : new XElement("default", parameter.Default),
            parameter.Choices.Select(choice => new XElement("choice", choice)));

    private static XAttribute? Optional(string name, string? value) => value is null ? null : new XAttribute(name, value);

    private static XElement? OptionalElement(string name, string? value) => value is null ? null : new XElement(name, value);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
