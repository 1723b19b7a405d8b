namespace VirtAppliance.Core.DomainXml;

/// <summary>What a disk looks like to the guest (XML spelling in <see cref="DomainXmlSpelling"/>).</summary>
public enum DiskDevice
{
    Disk,
    Cdrom,
}
