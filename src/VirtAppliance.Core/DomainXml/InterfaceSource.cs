namespace VirtAppliance.Core.DomainXml;

/// <summary>What a network interface is attached to; the writer derives the XML from the case.</summary>
public abstract record InterfaceSource
{
    private protected InterfaceSource() { }

    /// <summary>The spelling deploy's --network takes and the index keeps: user, network=NAME or bridge=NAME.</summary>
    public abstract string Spelling { get; }

    /// <summary>Reads virt-install's spellings: <c>user</c>, <c>network=NAME</c>, <c>bridge=NAME</c>; a bare NAME is a libvirt network (as earlier releases recorded it).</summary>
    /// <exception cref="Errors.InvalidInputException">Another form, or an empty name.</exception>
    public static InterfaceSource Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (kind, name) = spec.IndexOf('=', StringComparison.Ordinal) is var equals and >= 0 ? (spec[..equals], spec[(equals + 1)..]) : (spec, "");
        return kind switch
        {
            "user" when name.Length == 0 => new UserInterfaceSource([]),
            "network" when name.Length > 0 => new NetworkInterfaceSource(name),
            "bridge" when name.Length > 0 => new BridgeInterfaceSource(name),
            _ when name.Length == 0 && kind.Length > 0 && !kind.Contains(',', StringComparison.Ordinal) => new NetworkInterfaceSource(kind),
            _ => throw new Errors.InvalidInputException($"--network {spec}: not a network this tool attaches")
            {
                Hint = "write user (user-mode networking, the default), network=NAME (a libvirt network) or bridge=BR (a host bridge)",
            },
        };
    }
}
