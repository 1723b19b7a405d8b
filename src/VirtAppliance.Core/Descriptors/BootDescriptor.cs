using System.Xml.Linq;

namespace VirtAppliance.Core.Descriptors;

/// <summary>One way to boot the appliance: what the host must offer and how to start it.</summary>
public sealed record BootDescriptor
{
    public BootType Type { get; init; }

    /// <summary>The legacy <c>&lt;os_type&gt;</c> of the guest section, when written.</summary>
    public string? OsType { get; init; }

    /// <summary>Normalised architecture (i386..i686 → i686, amd64 → x86_64).</summary>
    public string Arch { get; init; } = "x86_64";

    public IReadOnlyList<FeatureRequirement> Features { get; init; } = [];

    public BootOs Os { get; init; } = new();

    public IReadOnlyList<DriveMapping> Drives { get; init; } = [];

    public IReadOnlyList<XElement> Extensions { get; init; } = [];

    public SourceLocation Location { get; init; }
}
