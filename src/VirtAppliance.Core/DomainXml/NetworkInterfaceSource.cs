namespace VirtAppliance.Core.DomainXml;

/// <summary><c>&lt;interface type='network'&gt;</c>: a libvirt network.</summary>
public sealed record NetworkInterfaceSource(string Name) : InterfaceSource
{
    public override string Spelling => $"network={Name}";
}
