using System.Globalization;
using System.Xml.Linq;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Images;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Authoring;

/// <summary>
/// Maps an existing libvirt domain's XML (its inactive definition) onto an appliance draft: one
/// boot (type, arch, features, firmware, kernel and initrd), memory, vcpus, the disks with their
/// targets, the NICs and graphics. What is host- or site-specific or has no place in a descriptor is
/// listed in <see cref="ApplianceDraft.NotCarried"/>, never dropped silently.
/// </summary>
public static class DomainImport
{
    /// <summary>Devices a deploy makes itself (or that every domain has): neither carried nor worth a line.</summary>
    private static readonly HashSet<string> Generated =
        ["emulator", "controller", "input", "serial", "console", "channel", "video", "memballoon", "graphics", "disk", "interface", "audio"];

    /// <summary>Domain elements that say nothing a descriptor needs, or that are read elsewhere.</summary>
    private static readonly HashSet<string> Unremarkable =
        ["name", "uuid", "genid", "title", "description", "metadata", "memory", "currentMemory", "vcpu", "os", "features", "clock",
         "on_poweroff", "on_reboot", "on_crash", "on_lockfailure", "pm", "devices", "bootloader", "bootloader_args", "seclabel", "cpu",
         "resource"];

    private static readonly Dictionary<string, string> TopLevel = new()
    {
        ["numatune"] = "NUMA tuning (<numatune>)",
        ["cputune"] = "CPU tuning (<cputune>: pinning, shares, quotas)",
        ["memtune"] = "memory tuning (<memtune>)",
        ["blkiotune"] = "block I/O tuning (<blkiotune>)",
        ["memoryBacking"] = "memory backing (<memoryBacking>: huge pages, locking, sharing)",
        ["maxMemory"] = "memory hotplug (<maxMemory>)",
        ["iothreads"] = "I/O threads (<iothreads>)",
        ["iothreadids"] = "I/O thread ids (<iothreadids>)",
        ["vcpus"] = "per-vCPU settings (<vcpus>)",
        ["sysinfo"] = "SMBIOS system information (<sysinfo>)",
        ["idmap"] = "user namespace id map (<idmap>)",
        ["launchSecurity"] = "launch security (<launchSecurity>: SEV)",
        ["keywrap"] = "key wrapping (<keywrap>)",
        ["perf"] = "perf events (<perf>)",
        ["throttlegroups"] = "disk throttle groups (<throttlegroups>)",
    };

    /// <summary>Maps a domain's XML; <paramref name="what"/> names it in messages ("domain web").</summary>
    /// <exception cref="InvalidInputException">The XML is malformed, is no domain, or has nothing an appliance can be made of; with line and column.</exception>
    public static ApplianceDraft FromXml(string domainXml, string what)
    {
        XDocument document;
        try
        {
            document = SafeXml.Parse(domainXml, what);
        }
        catch (InvalidDataException error)
        {
            throw new InvalidInputException(error.Message, error);
        }
        var domain = document.Root!;
        if (domain.Name.LocalName != "domain")
            throw new InvalidInputException($"{what}: the root element is <{domain.Name.LocalName}>, not <domain>{SafeXml.Where(domain)}");
        var notCarried = new List<string>();
        var name = Text(domain.Element("name")) ?? throw Invalid(what, domain, "the domain has no <name>");
        var memory = Memory(domain, what);
        var vcpus = Vcpus(domain, what);
        var boot = Boot(domain, what, notCarried);
        var devices = domain.Element("devices");
        var disks = devices is null ? [] : Disks(devices, what, notCarried);
        if (disks.Count == 0)
            throw new InvalidInputException($"{what} has no disk image that can be carried over")
            {
                Hint = "init copies disks of type file or block with device=\"disk\"; give the images with --disk instead",
            };
        var interfaces = devices?.Elements("interface").ToList() ?? [];
        for (var index = 0; index < interfaces.Count; index++)
            Interface(interfaces[index], index, notCarried);
        foreach (var device in devices?.Elements() ?? [])
        {
            if (!Generated.Contains(device.Name.LocalName))
                notCarried.Add(Device(device));
        }
        Cpu(domain.Element("cpu"), notCarried);
        foreach (var element in domain.Elements())
        {
            if (TopLevel.TryGetValue(element.Name.LocalName, out var text))
                notCarried.Add(text);
            else if (!Unremarkable.Contains(element.Name.LocalName))
                notCarried.Add($"<{element.Name.LocalName}>");
        }
        if (domain.Element("clock")?.Attribute("offset")?.Value is { } offset and not "utc")
            notCarried.Add($"clock offset '{offset}' (deploy keeps the guest clock in UTC)");
        if (domain.Elements("seclabel").Any(label => label.Attribute("type")?.Value == "static"))
            notCarried.Add("a static security label (<seclabel type='static'>)");

        return new ApplianceDraft
        {
            Name = name,
            Label = Text(domain.Element("title")),
            Description = Text(domain.Element("description")),
            Boot = boot with { Drives = [.. disks.Select(disk => new DriveMapping("", disk.Target, false, SourceLocation.None))] },
            Devices = new DeviceSettings
            {
                MemoryKiB = memory,
                Vcpus = vcpus,
                Interfaces = interfaces.Count,
                Graphics = devices?.Element("graphics") is not null,
            },
            Disks = disks,
            NotCarried = notCarried,
        };
    }

    private static BootDescriptor Boot(XElement domain, string what, List<string> notCarried)
    {
        // A Xen paravirt domain booted by pygrub may have no <os> at all: its <bootloader> says how it starts.
        var os = domain.Element("os")
            ?? (domain.Element("bootloader") is not null ? new XElement("os", new XElement("type", "xen")) : throw Invalid(what, domain, "the domain has no <os>"));
        var type = os.Element("type") ?? throw Invalid(what, os, "<os> has no <type>");
        var bootType = Text(type) switch
        {
            "hvm" => BootType.Hvm,
            "xen" or "linux" => BootType.Xen,
            var other => throw Invalid(what, type, $"os type '{other}' is not a virtual machine an appliance can be (hvm or xen)"),
        };
        var arch = type.Attribute("arch")?.Value is { Length: > 0 } given ? XmlNames.NormalizeArch(given) : "x86_64";
        if (type.Attribute("machine")?.Value is { Length: > 0 } machine)
            notCarried.Add($"machine type '{machine}' (host-specific: deploy picks the host's)");

        var features = new List<FeatureRequirement>();
        var others = new List<string>();
        foreach (var feature in domain.Element("features")?.Elements() ?? [])
        {
            var name = feature.Name.LocalName;
            if (XmlNames.Features.Contains(name))
                features.Add(new FeatureRequirement(name, feature.Attribute("state")?.Value != "off", SourceLocation.None));
            else
                others.Add(name);
        }
        if (others.Count > 0)
            notCarried.Add($"features {string.Join(", ", others)} (a descriptor knows acpi, apic and pae)");

        var firmware = os.Attribute("firmware")?.Value == "efi" ? Firmware.Efi : Firmware.Bios;
        if (os.Element("loader") is { } loader)
        {
            var path = Text(loader);
            if (loader.Attribute("type")?.Value == "pflash" || path?.Contains("OVMF", StringComparison.OrdinalIgnoreCase) == true
                || path?.Contains("AAVMF", StringComparison.OrdinalIgnoreCase) == true || path?.Contains("edk2", StringComparison.OrdinalIgnoreCase) == true)
                firmware = Firmware.Efi;
            else if (path is not null && !path.EndsWith("hvmloader", StringComparison.Ordinal))
                notCarried.Add($"firmware loader {path} (host-specific)");
            if (loader.Attribute("secure")?.Value == "yes")
                notCarried.Add("UEFI secure boot (<loader secure='yes'>)");
        }
        if (os.Element("nvram") is { } nvram)
            notCarried.Add($"the UEFI variable store{(Text(nvram) is { } store ? " " + store : "")} (each VM starts with fresh variables)");
        if (os.Element("dtb") is { } dtb)
            notCarried.Add($"device tree {Text(dtb)}");
        var bootDevices = os.Elements("boot").Select(element => element.Attribute("dev")?.Value).OfType<string>().ToList();
        if (bootDevices.FirstOrDefault() is { } first and not "hd")
            notCarried.Add($"boot from {first} first (the appliance boots from its disk)");

        var kernel = Text(os.Element("kernel"));
        var bootloader = Text(domain.Element("bootloader"));
        string? loaderText = null;
        if (kernel is null && bootloader is not null)
        {
            if (bootloader.EndsWith("pygrub", StringComparison.Ordinal))
                loaderText = "pygrub";
            else
                notCarried.Add($"bootloader {bootloader} (host-specific)");
        }
        return new BootDescriptor
        {
            Type = bootType,
            Arch = arch,
            Features = features,
            Os = new BootOs
            {
                HasLoader = kernel is null,
                Loader = loaderText,
                LoaderDevice = kernel is null && bootType == BootType.Hvm ? "hd" : null,
                Kernel = kernel,
                Initrd = kernel is null ? null : Text(os.Element("initrd")),
                Cmdline = kernel is null ? null : Text(os.Element("cmdline")),
                Firmware = firmware,
            },
        };
    }

    private static List<DraftDisk> Disks(XElement devices, string what, List<string> notCarried)
    {
        var disks = new List<DraftDisk>();
        foreach (var disk in devices.Elements("disk"))
        {
            var device = disk.Attribute("device")?.Value ?? "disk";
            var type = disk.Attribute("type")?.Value ?? "file";
            var target = disk.Element("target")?.Attribute("dev")?.Value ?? throw Invalid(what, disk, "a <disk> has no <target dev=…>");
            var source = disk.Element("source");
            var path = type switch
            {
                "file" => source?.Attribute("file")?.Value,
                "block" => source?.Attribute("dev")?.Value,
                _ => null,
            };
            if (device != "disk")
            {
                notCarried.Add($"{device} {target}" + (path is null ? " (empty)" : $" ({path})"));
                continue;
            }
            if (type is not ("file" or "block"))
            {
                notCarried.Add($"disk {target}: a {type} disk{SourceText(source)} (init copies file and block disks only)");
                continue;
            }
            if (path is null)
            {
                notCarried.Add($"disk {target}: it has no source");
                continue;
            }
            DiskFormat? format = DiskFormatSpelling.TryParseDriverType(disk.Element("driver")?.Attribute("type")?.Value, out var declared) ? declared : null;
            disks.Add(new DraftDisk(path, disks.Count == 0 ? DiskRole.System : DiskRole.User, target, format));
        }
        return disks;
    }

    private static string SourceText(XElement? source)
    {
        if (source is null)
            return "";
        var parts = new[] { "protocol", "name", "pool", "volume", "dir" }
            .Select(name => source.Attribute(name) is { } attribute ? $"{name} {attribute.Value}" : null).OfType<string>().ToList();
        return parts.Count == 0 ? "" : $" ({string.Join(", ", parts)})";
    }

    private static void Interface(XElement nic, int index, List<string> notCarried)
    {
        var number = index + 1;
        var type = nic.Attribute("type")?.Value ?? "network";
        var source = nic.Element("source");
        if (nic.Element("mac")?.Attribute("address")?.Value is { } mac)
            notCarried.Add($"interface {number}: MAC address {mac} (deploy gives each VM its own)");
        var attachedTo = type switch
        {
            "network" => source?.Attribute("network")?.Value is { } network ? $"network '{network}'" : null,
            "bridge" => source?.Attribute("bridge")?.Value is { } bridge ? $"bridge '{bridge}'" : null,
            "user" => null,
            _ => $"a {type} interface" + (source?.Attribute("dev")?.Value is { } dev ? $" on {dev}" : ""),
        };
        if (attachedTo is not null)
            notCarried.Add($"interface {number}: attached to {attachedTo} (site-specific: deploy --network chooses)");
        if (nic.Element("model")?.Attribute("type")?.Value is { } model and not "virtio")
            notCarried.Add($"interface {number}: model {model} (deploy uses virtio)");
    }

    private static string Device(XElement device)
    {
        var name = device.Name.LocalName;
        var model = device.Attribute("model")?.Value;
        return name switch
        {
            "hostdev" => $"host device passthrough ({device.Attribute("type")?.Value ?? "?"}{Address(device)})",
            "tpm" => $"TPM{(model is null ? "" : $" ({model})")}",
            "filesystem" => $"shared folder {device.Element("source")?.Attributes().FirstOrDefault()?.Value ?? "?"} → {device.Element("target")?.Attribute("dir")?.Value ?? "?"}",
            "redirdev" => "USB redirection",
            _ => $"{name}{(model is null ? "" : $" ({model})")}",
        };
    }

    private static string Address(XElement hostdev)
    {
        var address = hostdev.Element("source")?.Element("address");
        if (address is null)
            return "";
        var parts = address.Attributes().Where(attribute => attribute.Name.LocalName is "domain" or "bus" or "slot" or "function" or "device")
            .Select(attribute => $"{attribute.Name.LocalName} {attribute.Value}");
        return $" {string.Join(' ', parts)}";
    }

    private static void Cpu(XElement? cpu, List<string> notCarried)
    {
        if (cpu is null)
            return;
        if (cpu.Attribute("mode")?.Value is { } mode and not "custom")
            notCarried.Add($"CPU mode {mode}");
        if (Text(cpu.Element("model")) is { } model)
            notCarried.Add($"CPU model {model}");
        if (cpu.Element("topology") is not null)
            notCarried.Add("CPU topology (sockets, cores, threads)");
        if (cpu.Element("numa") is not null)
            notCarried.Add("NUMA topology (<cpu><numa>)");
        if (cpu.Elements("feature").Any())
            notCarried.Add($"CPU features {string.Join(", ", cpu.Elements("feature").Select(feature => feature.Attribute("name")?.Value))}");
    }

    private static long Memory(XElement domain, string what)
    {
        var memory = domain.Element("memory") ?? throw Invalid(what, domain, "the domain has no <memory>");
        if (long.TryParse(Text(memory), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            && MemoryUnits.ToKiB(value, memory.Attribute("unit")?.Value) is { } kib and > 0)
            return kib;
        throw Invalid(what, memory, $"<memory> '{Text(memory)}' {memory.Attribute("unit")?.Value} is not a memory size");
    }

    private static int Vcpus(XElement domain, string what)
    {
        if (domain.Element("vcpu") is not { } vcpu)
            return 1;
        return int.TryParse(Text(vcpu), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
            ? count
            : throw Invalid(what, vcpu, $"<vcpu> '{Text(vcpu)}' is not a number of CPUs");
    }

    private static string? Text(XElement? element) => element?.Value.Trim() is { Length: > 0 } text ? text : null;

    private static InvalidInputException Invalid(string what, XObject at, string message) =>
        new($"{what}{SafeXml.Where(at)}: {message}");
}
