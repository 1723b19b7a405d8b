namespace VirtAppliance.Core.DomainXml;

/// <summary>The bus a disk sits on (XML spelling in <see cref="DomainXmlSpelling"/>).</summary>
public enum DiskBus
{
    Virtio,
    Scsi,
    Sata,
    Ide,
    Xen,
    Usb,
}
