using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Authoring;

/// <summary>
/// What init knows about the appliance before any file is copied: its identity, one boot (its
/// kernel and initrd still the source files), the virtual hardware and the disks, and what of the
/// source could not be carried over.
/// </summary>
public sealed record ApplianceDraft
{
    public required string Name { get; init; }

    public string Version { get; init; } = "1.0";

    public string? Release { get; init; }

    public string? Label { get; init; }

    public string? Description { get; init; }

    /// <summary>The boot; its drives are made from <see cref="Disks"/>, its kernel and initrd name source files.</summary>
    public required BootDescriptor Boot { get; init; }

    public DeviceSettings Devices { get; init; } = new();

    public IReadOnlyList<DraftDisk> Disks { get; init; } = [];

    public HealthCheck? Health { get; init; }

    /// <summary>The site parameters the appliance declares.</summary>
    public IReadOnlyList<SiteParameter> Parameters { get; init; } = [];

    /// <summary>Config templates; their <see cref="ConfigTemplate.Source"/> names the source file, copied beside the disks.</summary>
    public IReadOnlyList<ConfigTemplate> Templates { get; init; } = [];

    public StatelessLayout? Stateless { get; init; }

    public HostRequirements? Requirements { get; init; }

    /// <summary>What the source had that the appliance does not, one plain-language line each.</summary>
    public IReadOnlyList<string> NotCarried { get; init; } = [];
}
