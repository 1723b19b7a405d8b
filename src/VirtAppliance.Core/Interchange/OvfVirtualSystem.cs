using System.Xml.Linq;

namespace VirtAppliance.Core.Interchange;

/// <summary>The one <c>VirtualSystem</c> an import takes: its identity, product, hardware and properties.</summary>
public sealed record OvfVirtualSystem
{
    public required string Id { get; init; }

    /// <summary>The <c>Name</c> element, else the product name.</summary>
    public string? Name { get; init; }

    public string? Product { get; init; }

    public string? Vendor { get; init; }

    public string? Version { get; init; }

    public string? FullVersion { get; init; }

    /// <summary>The annotation (or the product's description).</summary>
    public string? Annotation { get; init; }

    /// <summary>The operating system section's description or vmw:osType, e.g. "Debian_64", "otherLinux64Guest".</summary>
    public string? OperatingSystem { get; init; }

    public int Vcpus { get; init; } = 1;

    public long MemoryBytes { get; init; } = 256L * 1024 * 1024;

    public int Nics { get; init; }

    /// <summary>True when the descriptor asks for UEFI (VMware's firmware=efi, VirtualBox's EFI setting).</summary>
    public bool Efi { get; init; }

    public IReadOnlyList<OvfDriveAttachment> Drives { get; init; } = [];

    public IReadOnlyList<OvfProperty> Properties { get; init; } = [];

    /// <summary>virt-appliance's own section: the descriptor an export came from (what OVF cannot say), when present.</summary>
    public XElement? ApplianceDescriptor { get; init; }
}
