namespace VirtAppliance.Core.DomainXml;

/// <summary>The image format (<c>&lt;driver type=…&gt;</c>), always given so that libvirt and QEMU never probe it (XML spelling in <see cref="DomainXmlSpelling"/>).</summary>
public enum DiskDriverType
{
    Raw,
    Qcow2,
    Qcow,
    Vmdk,
    Vdi,
    Vpc,
    Vhdx,
}
