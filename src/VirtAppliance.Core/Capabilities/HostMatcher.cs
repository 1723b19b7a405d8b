using System.Globalization;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Capabilities;

/// <summary>
/// Checks an appliance's boots against a host's capabilities: every requirement with what the host
/// has, and how the boot would run (domain type, emulator, machine, firmware). No I/O: the caller
/// reads the capabilities from libvirt.
/// </summary>
public static class HostMatcher
{
    // hvm: hardware acceleration first, then software emulation; xen hosts run hvm under xen.
    private static readonly VirtType[] HvmPreference = [VirtType.Kvm, VirtType.Qemu, VirtType.Xen, VirtType.Test];
    private static readonly VirtType[] XenPreference = [VirtType.Xen, VirtType.Test];

    /// <param name="descriptor">The appliance.</param>
    /// <param name="host">The host's capabilities (<c>virsh capabilities</c>).</param>
    /// <param name="domainCapabilities">
    /// Domain capabilities the caller read (<c>virsh domcapabilities</c>) for the arches and types
    /// that matter; needed to tell whether UEFI firmware is installed. May be empty.
    /// </param>
    /// <param name="options">A forced boot index or domain type.</param>
    /// <exception cref="InvalidInputException">The boot index asked for does not exist.</exception>
    public static HostCheckReport Check(
        ApplianceDescriptor descriptor,
        HostCapabilities host,
        IReadOnlyList<DomainCapabilities> domainCapabilities,
        HostMatchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(domainCapabilities);
        options ??= HostMatchOptions.Default;

        if (options.BootIndex is { } requested && (requested < 0 || requested >= descriptor.Boots.Count))
        {
            throw new InvalidInputException(
                $"{descriptor.DisplayName} has {descriptor.Boots.Count} boot(s); there is no boot {requested}.")
            {
                Hint = "boots are numbered from 0 in document order; 'virt-appliance check' lists them",
            };
        }

        var boots = descriptor.Boots
            .Select((boot, index) => CheckBoot(descriptor, boot, index, host, domainCapabilities, options.VirtType))
            .ToList();
        var chosen = options.BootIndex is { } index
            ? boots[index]
            : boots.FirstOrDefault(boot => boot.Fits);
        return new HostCheckReport(
            descriptor.DisplayName,
            boots,
            chosen is { Fits: true } ? chosen.Choice : null,
            options.BootIndex,
            options.VirtType);
    }

    private static BootCheck CheckBoot(
        ApplianceDescriptor descriptor,
        BootDescriptor boot,
        int index,
        HostCapabilities host,
        IReadOnlyList<DomainCapabilities> domainCapabilities,
        VirtType? forced)
    {
        var rows = new List<RequirementCheck>();
        var osType = boot.Type == BootType.Xen ? GuestOsType.Xen : GuestOsType.Hvm;
        var osName = osType.ToXml();

        var osTypes = host.Guests.Select(guest => guest.OsType).Distinct().ToList();
        rows.Add(osTypes.Contains(osType)
            ? Met("os-type", osName, Join(osTypes.Select(type => type.ToXml())))
            : NotMet("os-type", osName, Join(osTypes.Select(type => type.ToXml())), osType == GuestOsType.Xen
                ? "The boot is for Xen paravirtualization (xen); this host offers no Xen paravirtual guests."
                : "The boot needs full virtualization (hvm); this host offers no hvm guests."));

        var guests = host.GuestsFor(osType, boot.Arch).ToList();
        var arches = host.Guests.Where(guest => guest.OsType == osType).Select(guest => guest.Arch).Distinct().ToList();
        // Without any guest of the os type, the arch has nothing to be compared with.
        if (arches.Count > 0)
        {
            rows.Add(guests.Count > 0
                ? Met("arch", boot.Arch, boot.Arch)
                : NotMet("arch", boot.Arch, Join(arches), $"The boot needs an {boot.Arch} guest; this host runs {osName} guests only for {Join(arches)}."));
        }

        HostChoice? choice = null;
        if (guests.Count > 0)
        {
            var (guest, domain) = PickDomain(guests, osType, forced);
            rows.Add(DomainTypeRow(guests, osType, boot.Arch, domain, forced));
            var featureGuest = guest ?? guests[0];
            rows.AddRange(boot.Features.Select(feature => FeatureRow(feature, featureGuest, osType)));

            var domainCaps = domain is null ? null : DomainCapabilitiesFor(domainCapabilities, boot.Arch, domain.Type);
            string? efiLoader = null;
            if (boot.Os.Firmware == Firmware.Efi)
            {
                rows.Add(FirmwareRow(osType, boot.Arch, domainCaps, out efiLoader));
            }

            var machine = guest is null || domain is null ? null : PickMachine(guest.MachinesFor(domain));
            rows.Add(MemoryRow(descriptor, host));
            rows.AddRange(CpuRows(descriptor, host, machine, domainCaps));
            if (guest is not null && domain is not null)
            {
                choice = new HostChoice(index, osType, boot.Arch, domain.Type, guest.EmulatorFor(domain), machine?.Name, boot.Os.Firmware, efiLoader);
            }
        }
        else
        {
            rows.Add(MemoryRow(descriptor, host));
            rows.AddRange(CpuRows(descriptor, host, null, null));
        }

        return new BootCheck(index, boot.Type, boot.Arch, rows, choice);
    }

    private static (GuestCapability? Guest, GuestDomainCapability? Domain) PickDomain(
        List<GuestCapability> guests, GuestOsType osType, VirtType? forced)
    {
        var acceptable = forced is { } forcedType ? [forcedType] : osType == GuestOsType.Xen ? XenPreference : HvmPreference;
        foreach (var type in acceptable)
        {
            // Xen paravirt guests run only on xen (or the test driver), whatever was forced.
            if (osType == GuestOsType.Xen && !XenPreference.Contains(type))
            {
                continue;
            }

            foreach (var guest in guests)
            {
                if (guest.Domain(type) is { } domain)
                {
                    return (guest, domain);
                }
            }
        }

        return (null, null);
    }

    private static RequirementCheck DomainTypeRow(
        List<GuestCapability> guests, GuestOsType osType, string arch, GuestDomainCapability? domain, VirtType? forced)
    {
        var offered = Join(guests.SelectMany(guest => guest.Domains.Select(candidate => candidate.TypeName)).Distinct());
        var wanted = forced is { } type
            ? $"{type.ToXml()} (forced)"
            : osType == GuestOsType.Xen ? "xen" : "kvm or qemu";
        if (domain is not null)
        {
            return Met("domain-type", wanted, domain.TypeName);
        }

        var reason = forced is { } forcedType
            ? osType == GuestOsType.Xen && !XenPreference.Contains(forcedType)
                ? $"The domain type {forcedType.ToXml()} was forced (--virt-type or {HostMatchOptions.VirtTypeVariable}), but a Xen paravirtual boot runs only on xen."
                : $"The domain type {forcedType.ToXml()} was forced (--virt-type or {HostMatchOptions.VirtTypeVariable}), but this host offers {offered} for {osType.ToXml()} {arch} guests."
            : $"This host offers no usable domain type for {osType.ToXml()} {arch} guests (it lists {offered}).";
        return NotMet("domain-type", wanted, offered, reason);
    }

    private static RequirementCheck FeatureRow(FeatureRequirement feature, GuestCapability guest, GuestOsType osType)
    {
        var name = "feature:" + feature.Name;
        var wanted = feature.Enabled ? "on" : "off";
        var listed = guest.Feature(feature.Name);
        var label = feature.Name.ToUpperInvariant();

        if (feature.Name == "pae")
        {
            var is64Bit = guest.WordSize == 64 || guest.Arch is "x86_64";
            var nonPae = guest.Feature("nonpae") is not null;
            if (feature.Enabled)
            {
                return listed is not null ? Met(name, wanted, "PAE guests")
                    : is64Bit ? Met(name, wanted, "64-bit guests always use PAE")
                    : NotMet(name, wanted, nonPae ? "non-PAE guests only" : "not listed", nonPae
                        ? $"The boot needs PAE; this host runs {guest.Arch} guests only without PAE."
                        : $"The boot needs PAE; this host does not offer PAE for {guest.Arch} guests.");
            }

            return nonPae ? Met(name, wanted, "non-PAE guests")
                : is64Bit ? NotMet(name, wanted, "64-bit guests always use PAE", $"The boot needs a guest without PAE; {guest.Arch} guests always use PAE.")
                : listed is not null ? NotMet(name, wanted, "PAE guests only", $"The boot needs a guest without PAE; this host runs {guest.Arch} guests only with PAE.")
                : Unknown(name, wanted, "not listed", $"The host does not say whether its {guest.Arch} guests can run without PAE.");
        }

        if (listed is null)
        {
            return !feature.Enabled ? Met(name, wanted, "not listed (left out)")
                : osType == GuestOsType.Hvm ? Unknown(name, wanted, "not listed", $"The host does not list {label} for {guest.Arch} guests; libvirt usually offers it to hvm guests.")
                : NotMet(name, wanted, "not listed", $"The boot needs {label}; this host does not offer it to {osType.ToXml()} {guest.Arch} guests.");
        }

        var hostHas = Describe(listed);
        return listed.Allows(feature.Enabled)
            ? Met(name, wanted, hostHas)
            : NotMet(name, wanted, hostHas, feature.Enabled
                ? $"The boot needs {label} on; this host has it off and cannot switch it on."
                : $"The boot needs {label} off; this host has it on and cannot switch it off.");
    }

    private static string Describe(GuestFeatureCapability feature) => (feature.Default, feature.Toggle) switch
    {
        (null, _) => "offered",
        (true, true) => "on by default, can be switched off",
        (true, _) => "always on",
        (false, true) => "off by default, can be switched on",
        (false, _) => "always off",
    };

    private static RequirementCheck FirmwareRow(GuestOsType osType, string arch, DomainCapabilities? domainCaps, out string? efiLoader)
    {
        efiLoader = null;
        if (osType == GuestOsType.Xen)
        {
            return NotMet("firmware", "efi", "none for paravirt guests", "The boot asks for UEFI, which only hvm guests have.");
        }

        if (domainCaps is null)
        {
            return NotMet("firmware", "efi", "unknown", $"The boot needs UEFI firmware; no domain capabilities were read for {arch}, so it cannot be told whether UEFI firmware (OVMF) is installed.");
        }

        if (domainCaps.Os is { Supported: true } os && os.Firmware.Contains("efi", StringComparer.Ordinal))
        {
            return Met("firmware", "efi", "efi (libvirt picks the firmware)");
        }

        if (domainCaps.EfiLoaderPaths.FirstOrDefault() is { } path)
        {
            efiLoader = path;
            return Met("firmware", "efi", path);
        }

        return NotMet("firmware", "efi", "BIOS only", arch == "i686"
            ? "The boot needs 32-bit UEFI firmware; none is installed on this host (on Debian: apt-get install ovmf-ia32)."
            : $"The boot needs UEFI firmware for {arch}; none is installed on this host (on Debian: apt-get install ovmf).");
    }

    private static RequirementCheck MemoryRow(ApplianceDescriptor descriptor, HostCapabilities host)
    {
        var wantedKiB = Math.Max(descriptor.Devices.MemoryKiB, descriptor.Requirements?.MinMemoryKiB ?? 0);
        var wanted = FormatKiB(wantedKiB);
        if (host.MemoryKiB is not { } hostKiB)
        {
            return Unknown("memory", wanted, "not reported", "The host does not report its memory.");
        }

        return wantedKiB <= hostKiB
            ? Met("memory", wanted, FormatKiB(hostKiB))
            : NotMet("memory", wanted, FormatKiB(hostKiB), $"The appliance needs {wanted} of memory; the host has {FormatKiB(hostKiB)} in all.");
    }

    private static IEnumerable<RequirementCheck> CpuRows(ApplianceDescriptor descriptor, HostCapabilities host, MachineCapability? machine, DomainCapabilities? domainCaps)
    {
        var vcpus = descriptor.Devices.Vcpus;
        var wanted = Count(vcpus, "vCPU");
        var limits = new List<(int Max, string Who)>();
        if (machine?.MaxCpus is { } machineMax)
        {
            limits.Add((machineMax, $"the {machine.Name} machine"));
        }

        if (domainCaps?.MaxVcpus is { } emulatorMax)
        {
            limits.Add((emulatorMax, "the emulator"));
        }

        var hostHas = host.CpuCount is { } cpus ? Count(cpus, "host CPU") : "not reported";
        if (limits.Where(limit => vcpus > limit.Max).Select(limit => (RequirementCheck?)NotMet("vcpus", wanted, hostHas,
                $"The appliance wants {wanted}; {limit.Who} takes at most {limit.Max}.")).FirstOrDefault() is { } overLimit)
        {
            yield return overLimit;
        }
        else if (host.CpuCount is not { } hostCpus)
        {
            yield return Unknown("vcpus", wanted, hostHas, "The host does not report how many CPUs it has.");
        }
        else if (vcpus > hostCpus)
        {
            yield return new RequirementCheck("vcpus", wanted, hostHas, RequirementStatus.Warning,
                $"The appliance wants {wanted} on {hostHas}: they share the CPUs and run slower.");
        }
        else
        {
            yield return Met("vcpus", wanted, hostHas);
        }

        if (descriptor.Requirements?.MinVcpus is { } minimum)
        {
            var least = "at least " + Count(minimum, "host CPU");
            yield return host.CpuCount is not { } count ? Unknown("host-cpus", least, hostHas, "The host does not report how many CPUs it has.")
                : count >= minimum ? Met("host-cpus", least, hostHas)
                : NotMet("host-cpus", least, hostHas, $"The appliance requires {least}; the host has {hostHas}.");
        }
    }

    private static DomainCapabilities? DomainCapabilitiesFor(IReadOnlyList<DomainCapabilities> all, string arch, VirtType type) =>
        all.FirstOrDefault(caps => caps.Arch == arch && caps.Type == type)
        // Firmware and limits come from the emulator binary, the same for kvm and qemu.
        ?? all.FirstOrDefault(caps => caps.Arch == arch);

    /// <summary>"pc" where offered (the i440fx machine, with IDE for old hd* drives), else the first listed.</summary>
    private static MachineCapability? PickMachine(IReadOnlyList<MachineCapability> machines) =>
        machines.FirstOrDefault(machine => machine.Name == "pc") ?? machines.FirstOrDefault();

    internal static string FormatKiB(long kib) => kib switch
    {
        >= 1024L * 1024 * 1024 when kib % (1024L * 1024 * 1024) == 0 => $"{kib / (1024L * 1024 * 1024)} TiB",
        >= 1024L * 1024 when kib % (1024L * 1024) == 0 => $"{kib / (1024L * 1024)} GiB",
        >= 1024L * 1024 => string.Create(CultureInfo.InvariantCulture, $"{kib / (1024.0 * 1024):0.0} GiB"),
        >= 1024 when kib % 1024 == 0 => $"{kib / 1024} MiB",
        >= 1024 => string.Create(CultureInfo.InvariantCulture, $"{kib / 1024.0:0.0} MiB"),
        _ => $"{kib} KiB",
    };

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static string Join(IEnumerable<string> values) => values.Any() ? string.Join(", ", values) : "none";

    private static RequirementCheck Met(string requirement, string wanted, string hostHas) =>
        new(requirement, wanted, hostHas, RequirementStatus.Met, null);

    private static RequirementCheck NotMet(string requirement, string wanted, string hostHas, string reason) =>
        new(requirement, wanted, hostHas, RequirementStatus.NotMet, reason);

    private static RequirementCheck Unknown(string requirement, string wanted, string hostHas, string reason) =>
        new(requirement, wanted, hostHas, RequirementStatus.Unknown, reason);
}
