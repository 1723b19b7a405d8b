namespace VirtAppliance.Core.DomainXml;

/// <summary>The disk backend (XML spelling in <see cref="DomainXmlSpelling"/>).</summary>
public enum DiskDriverName
{
    Qemu,
}
