namespace VirtAppliance.Core.DomainXml;

/// <summary>A device to boot from (<c>&lt;boot dev=…/&gt;</c>) (XML spelling in <see cref="DomainXmlSpelling"/>).</summary>
public enum BootDevice
{
    HardDisk,
    Cdrom,
    Network,
    Floppy,
}
