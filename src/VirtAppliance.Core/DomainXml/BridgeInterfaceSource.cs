namespace VirtAppliance.Core.DomainXml;

/// <summary><c>&lt;interface type='bridge'&gt;</c>: a bridge on the host.</summary>
public sealed record BridgeInterfaceSource(string Name) : InterfaceSource
{
    public override string Spelling => $"bridge={Name}";
}
