namespace VirtAppliance.Core.DomainXml;

/// <summary>The image format, always given so that libvirt and QEMU never probe it (XML spelling in <see cref="DomainXmlSpelling"/>).</summary>
public enum DiskFormat
{
    Raw,
    Qcow2,
    Qcow,
    Vmdk,
    Vdi,
    Vpc,
    Vhdx,
}
