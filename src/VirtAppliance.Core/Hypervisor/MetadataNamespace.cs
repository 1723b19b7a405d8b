namespace VirtAppliance.Core.Hypervisor;

/// <summary>
/// An XML namespace for custom elements in a domain's &lt;metadata&gt;. The hypervisor keeps one
/// element per namespace URI and writes it with <see cref="Prefix"/>.
/// </summary>
public sealed record MetadataNamespace(string Prefix, string Uri)
{
    /// <summary>Where virt-appliance records which appliance and version an instance comes from.</summary>
    public static MetadataNamespace Instance { get; } = new("va", "https://virt-appliance.org/xmlns/instance/1");
}
