using VirtAppliance.Core.Images;

namespace VirtAppliance.Core.Authoring;

/// <summary>init from an existing libvirt domain, which must be shut off.</summary>
/// <param name="Directory">The appliance folder to write.</param>
/// <param name="Domain">The domain's name.</param>
/// <param name="Uri">The libvirt connection it is defined on.</param>
public sealed record DomainInitRequest(string Directory, string Domain, string Uri)
{
    /// <summary>The appliance's name; null for the domain's.</summary>
    public string? Name { get; init; }

    public string Version { get; init; } = "1.0";

    /// <summary>A console line (regular expression) that says the appliance is up; null for no health check.</summary>
    public string? HealthConsole { get; init; }

    /// <summary>qcow2 or raw to convert every disk to; null keeps each disk's format.</summary>
    public DiskFormat? Convert { get; init; }

    /// <summary>Replace a folder that is not empty.</summary>
    public bool Force { get; init; }
}
