namespace VirtAppliance.Core.DomainXml;

/// <summary>What one deployed VM adds to the appliance: its name, identity, disks and logs.</summary>
public sealed record InstanceOptions
{
    /// <summary>The libvirt domain name.</summary>
    public required string Name { get; init; }

    /// <summary>The domain UUID (the caller picks it, so that output is reproducible).</summary>
    public required Guid Uuid { get; init; }

    /// <summary>The libvirt network every interface joins.</summary>
    public string Network { get; init; } = "default";

    /// <summary>
    /// The file and format of each disk by disk id (the deploy passes its overlays). A disk not
    /// listed uses the appliance's own file resolved against the appliance folder, in the
    /// descriptor's format.
    /// </summary>
    public IReadOnlyDictionary<string, ResolvedDisk> Disks { get; init; } = new Dictionary<string, ResolvedDisk>(StringComparer.Ordinal);

    /// <summary>Absolute path of the file the serial console is logged to; null logs nothing.</summary>
    public string? ConsoleLog { get; init; }

    /// <summary>Keep earlier boots in the console log; false starts it afresh at each start (health checks read only this boot).</summary>
    public bool ConsoleLogAppend { get; init; }

    /// <summary>The digest of the package the appliance was installed from, recorded in the metadata.</summary>
    public string? PackageDigest { get; init; }

    /// <summary>Where VNC listens when the appliance has graphics; loopback, since VNC has no password here.</summary>
    public string GraphicsListen { get; init; } = "127.0.0.1";
}
