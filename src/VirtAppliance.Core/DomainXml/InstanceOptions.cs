namespace VirtAppliance.Core.DomainXml;

/// <summary>What one deployed VM adds to the appliance: its name, identity, disks and logs.</summary>
public sealed record InstanceOptions
{
    /// <summary>The libvirt domain name.</summary>
    public required string Name { get; init; }

    /// <summary>The domain UUID (the caller picks it, so that output is reproducible).</summary>
    public required Guid Uuid { get; init; }

    /// <summary>What every interface is attached to (a user-mode source carries the forwards of all interfaces, each naming its own).</summary>
    public InterfaceSource Network { get; init; } = new NetworkInterfaceSource("default");

    /// <summary>Give each interface a MAC address derived from the UUID (the config disk's network-config matches it); else libvirt picks one. User-mode NICs always get one.</summary>
    public bool FixedMacAddresses { get; init; }

    /// <summary>
    /// The file and format of each disk by disk id (the deploy passes its overlays). A disk not
    /// listed uses the appliance's own file resolved against the appliance folder, in the
    /// descriptor's format.
    /// </summary>
    public IReadOnlyDictionary<string, ResolvedDisk> Disks { get; init; } = new Dictionary<string, ResolvedDisk>(StringComparer.Ordinal);

    /// <summary>The VM's config disk (a NoCloud cidata ISO), attached read-only after the appliance's drives; null for none.</summary>
    public string? ConfigDisk { get; init; }

    /// <summary>Absolute path of the file the serial console is logged to; null logs nothing.</summary>
    public string? ConsoleLog { get; init; }

    /// <summary>Keep earlier boots in the console log; false starts it afresh at each start (health checks read only this boot).</summary>
    public bool ConsoleLogAppend { get; init; }

    /// <summary>The digest of the package the appliance was installed from, recorded in the metadata.</summary>
    public string? PackageDigest { get; init; }

    /// <summary>Where VNC listens when the appliance has graphics; loopback, since VNC has no password here.</summary>
    public string GraphicsListen { get; init; } = "127.0.0.1";

    /// <summary>A locally administered MAC address in QEMU's range, the same for the same VM and interface.</summary>
    public static string MacAddressFor(Guid uuid, int index)
    {
        var bytes = uuid.ToByteArray();
        return $"52:54:00:{bytes[0]:x2}:{bytes[1]:x2}:{(byte)(bytes[2] + index):x2}";
    }
}
