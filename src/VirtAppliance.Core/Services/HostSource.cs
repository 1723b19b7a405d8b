namespace VirtAppliance.Core.Services;

/// <summary>Where a host's capabilities come from: a live libvirt connection, or saved files.</summary>
public abstract record HostSource
{
    private HostSource() { }

    /// <summary>Ask libvirt at <paramref name="Uri"/> (read-only).</summary>
    public sealed record Connection(string Uri) : HostSource;

    /// <summary>Saved <c>virsh capabilities</c> output, and optionally <c>virsh domcapabilities</c> outputs.</summary>
    public sealed record Files(string CapabilitiesPath, IReadOnlyList<string> DomainCapabilitiesPaths) : HostSource;
}
