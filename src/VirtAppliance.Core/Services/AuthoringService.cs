using System.Runtime.InteropServices;
using VirtAppliance.Core.Authoring;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Hypervisor;

namespace VirtAppliance.Core.Services;

/// <summary>init: an appliance folder from disk images or from an existing libvirt domain, shared by every face.</summary>
public sealed class AuthoringService(IHypervisorConnector connector)
{
    /// <summary>Writes an appliance folder from disk images and the machine's settings.</summary>
    /// <exception cref="InvalidInputException">A required value is missing or malformed, a role or image is wrong (exit 3).</exception>
    public Task<InitResult> InitAsync(InitRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Missing is [var missing, ..])
            throw new InvalidInputException($"init needs --{missing}") { Hint = $"give --{missing}" };
        if (request.Disks.Count == 0)
            throw new InvalidInputException("init needs at least one --disk FILE[:ROLE]") { Hint = "give the system disk first, e.g. --disk root.img" };
        if (request.Disks.Count > 26)
            throw new InvalidInputException("init maps at most 26 disks (vda … vdz)");
        if (request.Vcpus < 1)
            throw new InvalidInputException($"--vcpus {request.Vcpus}: a machine has at least one CPU");
        if (request.Interfaces < 0)
            throw new InvalidInputException($"--nics {request.Interfaces}: cannot be negative");
        if (request.Kernel is null && (request.Initrd is not null || request.Cmdline is not null))
            throw new InvalidInputException("--initrd and --cmdline go with --kernel") { Hint = "give --kernel FILE for direct kernel boot" };
        var roles = DiskSpec.RolesOf(request.Disks);
        if (request.Kernel is null && roles[0] != DiskRole.System)
            throw new InvalidInputException($"--disk {request.Disks[0].Path}: the first disk is the one the machine boots from; make it the system disk")
            {
                Hint = "give the system disk first",
            };
        var arch = request.Arch ?? HostArch();
        var draft = new ApplianceDraft
        {
            Name = request.Name!,
            Version = request.Version,
            Boot = new BootDescriptor
            {
                Type = BootType.Hvm,
                Arch = XmlNames.NormalizeArch(arch),
                Features = [.. DefaultFeatures(XmlNames.NormalizeArch(arch)).Select(name => new FeatureRequirement(name, true, SourceLocation.None))],
                Os = request.Kernel is null
                    ? new BootOs { HasLoader = true, LoaderDevice = request.BootDevice, Firmware = request.Uefi ? Firmware.Efi : Firmware.Bios }
                    : new BootOs { Kernel = request.Kernel, Initrd = request.Initrd, Cmdline = request.Cmdline, Firmware = request.Uefi ? Firmware.Efi : Firmware.Bios },
            },
            Devices = new DeviceSettings { MemoryKiB = MemorySize.ParseKiB(request.Memory!), Vcpus = request.Vcpus, Interfaces = request.Interfaces },
            Disks = [.. request.Disks.Select((disk, index) => new DraftDisk(disk.Path, roles[index], $"vd{(char)('a' + index)}"))],
            Health = Health(request.HealthConsole),
        };
        return ApplianceFolderWriter.WriteAsync(draft, request.Directory, request.Convert, request.Force, progress, cancellationToken);
    }

    /// <summary>Writes an appliance folder from a shut-off libvirt domain: its disks, boot and hardware; lists what was not carried over.</summary>
    /// <exception cref="NotFoundException">There is no such domain (exit 7).</exception>
    /// <exception cref="ConflictException">The domain is running (exit 8).</exception>
    public async Task<InitResult> InitFromDomainAsync(DomainInitRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string xml;
        using (var hypervisor = connector.Open(request.Uri, readOnly: true))
        {
            if (hypervisor.FindDomain(request.Domain) is not { } domain)
                throw new NotFoundException($"{request.Uri}: no domain called {request.Domain}") { Hint = $"list them with 'virsh -c {request.Uri} list --all'" };
            if (domain.Status.IsActive)
                throw new ConflictException($"domain {request.Domain} is {domain.Status.State.ToString().ToLowerInvariant()}; its disks may change while they are copied")
                {
                    Hint = $"shut it off first: virsh -c {request.Uri} shutdown {request.Domain}",
                };
            xml = hypervisor.GetXml(request.Domain, inactive: true);
        }
        var draft = DomainImport.FromXml(xml, $"domain {request.Domain}");
        draft = draft with
        {
            Name = request.Name ?? draft.Name,
            Version = request.Version,
            Health = Health(request.HealthConsole),
        };
        return await ApplianceFolderWriter.WriteAsync(draft, request.Directory, request.Convert, request.Force, progress, cancellationToken).ConfigureAwait(false);
    }

    private static HealthCheck? Health(string? consolePattern) =>
        consolePattern is null ? null : new HealthCheck(HealthCheck.DefaultTimeoutSeconds, consolePattern, null, SourceLocation.None);

    /// <summary>What virt-install turns on for a new machine: ACPI (so that a shutdown powers off) and the APIC on x86.</summary>
    private static IEnumerable<string> DefaultFeatures(string arch) => arch switch
    {
        "x86_64" or "i686" => ["acpi", "apic"],
        "aarch64" => ["acpi"],
        _ => [],
    };

    private static string HostArch() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "x86_64",
        Architecture.X86 => "i686",
        Architecture.Arm64 => "aarch64",
        Architecture.Arm => "armv7l",
        Architecture.S390x => "s390x",
        Architecture.Ppc64le => "ppc64le",
        Architecture.RiscV64 => "riscv64",
        var other => other.ToString().ToLowerInvariant(),
    };
}
