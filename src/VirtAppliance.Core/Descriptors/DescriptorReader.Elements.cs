using System.Xml.Linq;
using VirtAppliance.Core.Images;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Descriptors;

public static partial class DescriptorReader
{
    private static readonly string[] ImageChildren =
        ["name", "label", "description", "domain", "storage", "parameters", "config", "health", "stateless", "requirements"];

    private static ApplianceDescriptor ReadImage(XElement image, ReadContext context)
    {
        var extensions = context.CheckChildren(image, ImageChildren);
        var nameElement = context.Single(image, "name", required: false);
        var domain = context.Single(image, "domain", required: true);
        var storage = context.Single(image, "storage", required: true);

        var devices = domain is null ? null : context.Single(domain, "devices", required: true);
        if (domain is not null)
            context.CheckChildren(domain, "boot", "devices");

        var disks = storage is null ? [] : ReadDisks(storage, context);
        var boots = domain is null ? [] : domain.Elements("boot").Select(boot => ReadBoot(boot, context)).ToList();
        if (domain is not null && boots.Count == 0)
            context.Error(domain, "<domain> has no <boot>", "add at least one <boot type=\"hvm\"> that says how to start the machine");

        return new ApplianceDescriptor
        {
            Name = nameElement is null ? null : ReadContext.Text(nameElement),
            Version = nameElement is null ? null : ReadContext.Attribute(nameElement, "version"),
            Release = nameElement is null ? null : ReadContext.Attribute(nameElement, "release"),
            NameLocation = context.At(nameElement ?? image),
            Label = ReadContext.Text(context.Single(image, "label", required: false)),
            Description = ReadContext.Text(context.Single(image, "description", required: false)),
            Boots = boots,
            Devices = devices is null ? new DeviceSettings() : ReadDevices(devices, context),
            Disks = disks,
            Parameters = ReadParameters(context.Single(image, "parameters", required: false), context),
            Templates = ReadTemplates(context.Single(image, "config", required: false), context),
            Health = ReadHealth(context.Single(image, "health", required: false), context),
            Stateless = ReadStateless(context.Single(image, "stateless", required: false), context),
            Requirements = ReadRequirements(context.Single(image, "requirements", required: false), context),
            Extensions = extensions,
        };
    }

    private static BootDescriptor ReadBoot(XElement boot, ReadContext context)
    {
        var extensions = context.CheckChildren(boot, "guest", "os", "drive");
        var typeAttribute = boot.Attribute("type");
        BootType? type = null;
        if (typeAttribute is null)
            context.Error(boot, "<boot> has no type", "write type=\"hvm\" (fully virtualized) or type=\"xen\" (Xen paravirt)");
        else
            type = context.Choice(typeAttribute, typeAttribute.Value.Trim(), XmlNames.BootTypes, "boot type");

        var guest = context.Single(boot, "guest", required: true);
        string? osType = null, arch = null;
        var features = new List<FeatureRequirement>();
        if (guest is not null)
        {
            context.CheckChildren(guest, "os_type", "arch", "features");
            osType = ReadContext.Text(context.Single(guest, "os_type", required: false));
            var archElement = context.Single(guest, "arch", required: true);
            if (archElement is not null && context.RequiredText(archElement) is { } rawArch)
            {
                arch = XmlNames.NormalizeArch(rawArch);
                if (!XmlNames.Architectures.Contains(arch))
                    context.Error(archElement, $"'{rawArch}' is not a known architecture",
                        $"use one of: {string.Join(", ", XmlNames.Architectures)} (i386..i986 mean i686, amd64 means x86_64)");
            }
            if (context.Single(guest, "features", required: false) is { } featuresElement)
                features = ReadFeatures(featuresElement, context);
        }

        var os = context.Single(boot, "os", required: true);
        var drives = ReadDrives(boot, type ?? BootType.Hvm, context);
        if (drives.Count == 0)
            context.Error(boot, "<boot> maps no disk", "add <drive disk=\"DISK-ID\" target=\"vda\"/> for each disk the machine sees");

        return new BootDescriptor
        {
            Type = type ?? BootType.Hvm,
            OsType = osType,
            Arch = arch ?? "x86_64",
            Features = features,
            Os = os is null ? new BootOs() : ReadOs(os, context),
            Drives = drives,
            Extensions = extensions,
            Location = context.At(boot),
        };
    }

    private static List<FeatureRequirement> ReadFeatures(XElement features, ReadContext context)
    {
        var result = new List<FeatureRequirement>();
        foreach (var feature in features.Elements())
        {
            var name = feature.Name.LocalName;
            if (feature.Name.NamespaceName.Length > 0)
                continue;
            if (!XmlNames.Features.Contains(name))
            {
                context.Error(feature, $"unknown feature <{name}>", $"known features: {string.Join(", ", XmlNames.Features)}");
                continue;
            }
            if (result.Any(existing => existing.Name == name))
            {
                context.Error(feature, $"feature <{name}> is listed twice", "keep one");
                continue;
            }
            var stateAttribute = feature.Attribute("state");
            var enabled = true;
            if (stateAttribute is not null)
            {
                switch (stateAttribute.Value.Trim())
                {
                    case "on": break;
                    case "off": enabled = false; break;
                    default:
                        context.Error(stateAttribute, $"feature state '{stateAttribute.Value}' is neither on nor off", "write state=\"on\" or state=\"off\"");
                        break;
                }
            }
            result.Add(new FeatureRequirement(name, enabled, context.At(feature)));
        }
        return result;
    }

    private static BootOs ReadOs(XElement os, ReadContext context)
    {
        context.CheckChildren(os, "type", "loader", "kernel", "initrd", "cmdline", "firmware");
        var loader = context.Single(os, "loader", required: false);
        var kernel = context.Single(os, "kernel", required: false);
        var initrd = context.Single(os, "initrd", required: false);
        var cmdline = context.Single(os, "cmdline", required: false);
        var firmwareElement = context.Single(os, "firmware", required: false);

        if (loader is not null && kernel is not null)
            context.Error(kernel, "<os> has both a <loader> and a <kernel>", "keep one way to boot");
        if (kernel is null && (initrd is not null || cmdline is not null))
            context.Error(initrd ?? cmdline, "<initrd> and <cmdline> need a <kernel>", "add <kernel> or remove them");

        string? loaderDevice = null;
        if (loader?.Attribute("dev") is { } devAttribute)
        {
            loaderDevice = devAttribute.Value.Trim();
            if (!XmlNames.LoaderDevices.Contains(loaderDevice))
                context.Error(devAttribute, $"'{loaderDevice}' is not a boot device", $"use one of: {string.Join(", ", XmlNames.LoaderDevices)}");
        }

        var firmware = Firmware.Bios;
        if (firmwareElement is not null)
            firmware = context.Choice(firmwareElement, context.RequiredText(firmwareElement), XmlNames.Firmwares, "firmware") ?? Firmware.Bios;

        return new BootOs
        {
            Type = ReadContext.Text(context.Single(os, "type", required: false)),
            HasLoader = loader is not null,
            Loader = ReadContext.Text(loader),
            LoaderDevice = loaderDevice,
            Kernel = kernel is null ? null : context.RequiredText(kernel),
            Initrd = initrd is null ? null : context.RequiredText(initrd),
            Cmdline = ReadContext.Text(cmdline),
            Firmware = firmware,
            Location = context.At(os),
        };
    }

    private static List<DriveMapping> ReadDrives(XElement boot, BootType type, ReadContext context)
    {
        var written = boot.Elements("drive")
            .Select(drive => (element: drive, disk: ReadContext.Attribute(drive, "disk"), target: ReadContext.Attribute(drive, "target")))
            .ToList();
        var used = written.Where(drive => drive.target is not null).Select(drive => drive.target!).ToHashSet(StringComparer.Ordinal);
        var prefix = DefaultTargetPrefix(type, used);
        var drives = new List<DriveMapping>();
        foreach (var (element, disk, target) in written)
        {
            if (disk is null)
            {
                context.Error(element, "<drive> has no disk attribute", "write disk=\"ID\" naming a <disk> of <storage>");
                continue;
            }
            if (target is not null)
            {
                drives.Add(new DriveMapping(disk, target, TargetWasDefaulted: false, context.At(element)));
                continue;
            }
            var next = NextFreeTarget(prefix, used);
            used.Add(next);
            drives.Add(new DriveMapping(disk, next, TargetWasDefaulted: true, context.At(element)));
        }
        return drives;
    }

    /// <summary>The prefix the boot's own targets use, else xvd for Xen and vd (virtio) for hvm.</summary>
    private static string DefaultTargetPrefix(BootType type, IEnumerable<string> used)
    {
        foreach (var target in used)
        {
            foreach (var prefix in new[] { "xvd", "vd", "sd", "hd" })
                if (target.StartsWith(prefix, StringComparison.Ordinal))
                    return prefix;
        }
        return type == BootType.Xen ? "xvd" : "vd";
    }

    private static string NextFreeTarget(string prefix, HashSet<string> used)
    {
        for (var index = 0; ; index++)
        {
            var candidate = prefix + DeviceSuffix(index);
            if (!used.Contains(candidate))
                return candidate;
        }
    }

    /// <summary>a..z, aa..az, … as the kernel names disks.</summary>
    internal static string DeviceSuffix(int index)
    {
        var suffix = "";
        for (index++; index > 0; index = (index - 1) / 26)
            suffix = (char)('a' + ((index - 1) % 26)) + suffix;
        return suffix;
    }

    private static DeviceSettings ReadDevices(XElement devices, ReadContext context)
    {
        context.CheckChildren(devices, "vcpu", "memory", "interface", "graphics", "guest-agent");
        var vcpuElement = context.Single(devices, "vcpu", required: true);
        var memoryElement = context.Single(devices, "memory", required: true);
        var graphics = context.Single(devices, "graphics", required: false);
        var vcpus = vcpuElement is null ? null : context.Integer(vcpuElement, context.RequiredText(vcpuElement), "<vcpu>", 1, 4096);
        var memory = memoryElement is null ? null : ReadMemory(memoryElement, context, minimumKiB: 4000);
        return new DeviceSettings
        {
            Vcpus = (int)(vcpus ?? 1),
            MemoryKiB = memory ?? 262144,
            Interfaces = devices.Elements("interface").Count(),
            Ports = ReadPorts(devices, context),
            Graphics = graphics is not null,
            GuestAgent = context.Single(devices, "guest-agent", required: false) is not null,
        };
    }

    private static IReadOnlyList<ServedPort> ReadPorts(XElement devices, ReadContext context)
    {
        var ports = new List<ServedPort>();
        foreach (var (nic, index) in devices.Elements("interface").Select((nic, index) => (nic, index)))
        {
            context.CheckChildren(nic, "port");
            foreach (var port in nic.Elements("port"))
            {
                var guest = port.Attribute("guest") is { } attribute ? context.Integer(attribute, attribute.Value.Trim(), "guest port", 1, 65535) : null;
                if (port.Attribute("guest") is null)
                    context.Error(port, "<port> has no guest port", "write <port guest=\"80\" name=\"http\"/>");
                if (ReadContext.Attribute(port, "protocol") is { } protocol && protocol != "tcp")
                    context.Error(port, $"protocol '{protocol}': only tcp ports are published", "leave protocol out, or write protocol=\"tcp\"");
                if (guest is not null)
                    ports.Add(new ServedPort(index, (int)guest, ReadContext.Attribute(port, "name"), context.At(port)));
            }
        }
        return ports.Count == 0 ? Array.Empty<ServedPort>() : ports;
    }

    private static long? ReadMemory(XElement memory, ReadContext context, long minimumKiB)
    {
        var unitAttribute = memory.Attribute("unit");
        var value = context.Integer(memory, context.RequiredText(memory), "<memory>", 0, long.MaxValue / (1024L * 1024 * 1024 * 1024));
        if (value is null)
            return null;
        var kib = MemoryUnits.ToKiB(value.Value, unitAttribute?.Value.Trim());
        if (kib is null)
        {
            context.Error(unitAttribute, $"'{unitAttribute!.Value}' is not a memory unit", $"use one of: {string.Join(", ", MemoryUnits.Units)}");
            return null;
        }
        if (kib < minimumKiB)
        {
            context.Error(memory, $"<memory> is {kib} KiB; at least {minimumKiB} KiB are needed",
                "the value is in KiB unless unit= says otherwise, e.g. <memory unit=\"MiB\">256</memory>");
            return null;
        }
        return kib;
    }

    private static List<DiskDescriptor> ReadDisks(XElement storage, ReadContext context)
    {
        context.CheckChildren(storage, "disk");
        var disks = new List<DiskDescriptor>();
        foreach (var disk in storage.Elements("disk"))
        {
            var extensions = context.CheckChildren(disk, "checksum", "partition", "threshold");
            var file = ReadContext.Attribute(disk, "file");
            var id = ReadContext.Attribute(disk, "id") ?? file;
            var useAttribute = disk.Attribute("use");
            var formatAttribute = disk.Attribute("format");
            var sizeAttribute = disk.Attribute("size");
            var role = useAttribute is null ? DiskRole.System : context.Choice(useAttribute, useAttribute.Value.Trim(), XmlNames.DiskRoles, "disk use") ?? DiskRole.System;
            var format = DiskFormat.Raw;
            if (formatAttribute is not null && !DiskFormatSpelling.TryParse(formatAttribute.Value.Trim(), out format))
                context.Error(formatAttribute, $"'{formatAttribute.Value.Trim()}' is not a valid disk format", $"use one of: {string.Join(", ", DiskFormatSpelling.Names)}");
            var size = sizeAttribute is null ? null : context.Integer(sizeAttribute, sizeAttribute.Value.Trim(), "disk size (MB)", 1, 1L << 30);
            var partitions = disk.Elements("partition").Select(partition => ReadContext.Attribute(partition, "file")).OfType<string>().ToList();

            DiskChecksum? checksum = null;
            if (context.Single(disk, "checksum", required: false) is { } checksumElement)
                checksum = ReadChecksum(checksumElement, context);
            var threshold = context.Single(disk, "threshold", required: false) is { } thresholdElement ? ReadThreshold(thresholdElement, context) : null;

            if (id is null)
            {
                if (partitions.Count > 0)
                    context.Warning(disk, "a disk made of <partition> files has no file or id, so no drive can use it",
                        "virt-image's partition form is not supported for deployment; give the disk a single image file");
                else
                    context.Error(disk, "<disk> has neither file nor id", "write file=\"disk.img\", or id=\"NAME\" with size=\"MB\" for a disk created empty");
            }

            disks.Add(new DiskDescriptor
            {
                Id = id ?? "",
                File = file,
                Role = role,
                Format = format,
                SizeMiB = size,
                Checksum = checksum,
                Threshold = threshold,
                Partitions = partitions,
                Extensions = extensions,
                Location = context.At(disk),
            });
        }
        if (disks.Count == 0)
            context.Error(storage, "<storage> has no <disk>", "add the appliance's disk images as <disk file=\"…\" use=\"system\"/>");
        return disks;
    }

    private static DiskThreshold? ReadThreshold(XElement threshold, ReadContext context)
    {
        int? Level(string name) => threshold.Attribute(name) is { } attribute
            ? (int?)context.Integer(attribute, attribute.Value.Trim(), $"threshold {name} (percent)", 1, 100)
            : null;
        var warning = Level("warning");
        var critical = Level("critical");
        if (threshold.Attribute("warning") is null && threshold.Attribute("critical") is null)
        {
            context.Error(threshold, "<threshold> gives no level", "write <threshold warning=\"80\" critical=\"90\"/> (percent used)");
            return null;
        }
        var result = new DiskThreshold(warning ?? Math.Min(DiskThreshold.Default.Warning, critical ?? 100), critical ?? Math.Max(DiskThreshold.Default.Critical, warning ?? 0));
        if (DiskThreshold.Problem(result.Warning, result.Critical) is { } problem)
        {
            context.Error(threshold, problem, "the warning level is the lower one, e.g. warning=\"80\" critical=\"90\"");
            return null;
        }
        return result;
    }

    private static DiskChecksum? ReadChecksum(XElement checksum, ReadContext context)
    {
        var type = ReadContext.Attribute(checksum, "type");
        var value = context.RequiredText(checksum)?.ToLowerInvariant();
        var length = type switch { "sha1" => 40, "sha256" => 64, _ => 0 };
        if (length == 0)
        {
            context.Error(checksum, $"checksum type '{type}' is not supported", "use type=\"sha256\" (or sha1)");
            return null;
        }
        if (value is null)
            return null;
        if (value.Length != length || !value.All(char.IsAsciiHexDigitLower))
        {
            context.Error(checksum, $"a {type} checksum is {length} hexadecimal digits", "write the digest as sha256sum prints it");
            return null;
        }
        return new DiskChecksum(type!, value);
    }

    private static List<SiteParameter> ReadParameters(XElement? parameters, ReadContext context)
    {
        if (parameters is null)
            return [];
        context.CheckChildren(parameters, "parameter");
        var result = new List<SiteParameter>();
        foreach (var parameter in parameters.Elements("parameter"))
        {
            context.CheckChildren(parameter, "label", "description", "default", "choice");
            var name = ReadContext.Attribute(parameter, "name");
            if (name is null)
            {
                context.Error(parameter, "<parameter> has no name", "write name=\"hostname\" (lower case, digits, _)");
                continue;
            }
            var typeAttribute = parameter.Attribute("type");
            ParameterType? type = null;
            if (typeAttribute is null)
                context.Error(parameter, $"parameter '{name}' has no type", $"write type=\"…\", one of: {string.Join(", ", XmlNames.ParameterTypes.Keys)}");
            else
                type = context.Choice(typeAttribute, typeAttribute.Value.Trim(), XmlNames.ParameterTypes, "parameter type");
            var required = parameter.Attribute("required") is { } requiredAttribute
                ? context.Boolean(requiredAttribute, requiredAttribute.Value.Trim(), "required") ?? false
                : false;
            result.Add(new SiteParameter
            {
                Name = name,
                Type = type ?? ParameterType.String,
                Required = required,
                Default = parameter.Element("default")?.Value,
                Label = ReadContext.Text(parameter.Element("label")),
                Description = ReadContext.Text(parameter.Element("description")),
                Choices = parameter.Elements("choice").Select(ReadContext.Text).OfType<string>().ToList(),
                Minimum = parameter.Attribute("min") is { } min ? context.Integer(min, min.Value.Trim().TrimStart('-'), "min", 0, long.MaxValue) * (min.Value.Trim().StartsWith('-') ? -1 : 1) : null,
                Maximum = parameter.Attribute("max") is { } max ? context.Integer(max, max.Value.Trim().TrimStart('-'), "max", 0, long.MaxValue) * (max.Value.Trim().StartsWith('-') ? -1 : 1) : null,
                Location = context.At(parameter),
            });
        }
        return result;
    }

    private static List<ConfigTemplate> ReadTemplates(XElement? config, ReadContext context)
    {
        if (config is null)
            return [];
        context.CheckChildren(config, "template");
        var result = new List<ConfigTemplate>();
        foreach (var template in config.Elements("template"))
        {
            var path = ReadContext.Attribute(template, "path");
            var source = ReadContext.Attribute(template, "source");
            if (path is null || source is null)
            {
                context.Error(template, "<template> needs path (in the guest) and source (the template file)",
                    "write <template path=\"/etc/app.conf\" source=\"templates/app.conf\"/>");
                continue;
            }
            result.Add(new ConfigTemplate(path, source, ReadContext.Attribute(template, "mode"), context.At(template)));
        }
        return result;
    }

    private static HealthCheck? ReadHealth(XElement? health, ReadContext context)
    {
        if (health is null)
            return null;
        context.CheckChildren(health, "console", "tcp");
        var timeout = health.Attribute("timeout") is { } timeoutAttribute
            ? context.Integer(timeoutAttribute, timeoutAttribute.Value.Trim(), "health timeout (seconds)", 1, 86400)
            : null;
        var console = context.Single(health, "console", required: false);
        var pattern = console is null ? null : ReadContext.Attribute(console, "pattern");
        if (console is not null && pattern is null)
            context.Error(console, "<console> has no pattern", "write pattern=\"^my-app: ready\" (a regular expression)");
        var tcp = context.Single(health, "tcp", required: false);
        var port = tcp?.Attribute("port") is { } portAttribute ? context.Integer(portAttribute, portAttribute.Value.Trim(), "health port", 1, 65535) : null;
        if (tcp is not null && tcp.Attribute("port") is null)
            context.Error(tcp, "<tcp> has no port", "write <tcp port=\"80\"/>");
        return new HealthCheck((int)(timeout ?? HealthCheck.DefaultTimeoutSeconds), pattern, (int?)port, context.At(health));
    }

    private static StatelessLayout? ReadStateless(XElement? stateless, ReadContext context)
    {
        if (stateless is null)
            return null;
        context.CheckChildren(stateless, "persistent", "temporary");
        var persistent = new List<string>();
        var temporary = new List<TemporaryPath>();
        foreach (var element in stateless.Elements())
        {
            if (element.Name.NamespaceName.Length > 0 || element.Name.LocalName is not ("persistent" or "temporary"))
                continue;
            var path = ReadContext.Attribute(element, "path");
            if (path is null)
            {
                context.Error(element, $"<{element.Name.LocalName}> has no path", "write path=\"/var/log\"");
                continue;
            }
            if (element.Name.LocalName == "persistent")
            {
                persistent.Add(path);
                continue;
            }
            var kindAttribute = element.Attribute("kind");
            var kind = kindAttribute is null ? TemporaryPathKind.Files
                : context.Choice(kindAttribute, kindAttribute.Value.Trim(), XmlNames.TemporaryKinds, "temporary path kind") ?? TemporaryPathKind.Files;
            temporary.Add(new TemporaryPath(path, kind));
        }
        return new StatelessLayout(persistent, temporary, context.At(stateless));
    }

    private static HostRequirements? ReadRequirements(XElement? requirements, ReadContext context)
    {
        if (requirements is null)
            return null;
        context.CheckChildren(requirements, "memory", "vcpus");
        var memory = context.Single(requirements, "memory", required: false);
        var vcpus = context.Single(requirements, "vcpus", required: false);
        return new HostRequirements(
            memory is null ? null : ReadMemory(memory, context, minimumKiB: 0),
            vcpus is null ? null : (int?)context.Integer(vcpus, context.RequiredText(vcpus), "<vcpus>", 1, 4096));
    }
}
