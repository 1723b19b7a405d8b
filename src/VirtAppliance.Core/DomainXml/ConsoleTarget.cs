namespace VirtAppliance.Core.DomainXml;

/// <summary>What a console is in the guest (XML spelling in <see cref="DomainXmlSpelling"/>).</summary>
public enum ConsoleTarget
{
    Serial,
    Xen,
    Virtio,
}
