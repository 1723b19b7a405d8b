namespace VirtAppliance.Core.DomainXml;

/// <summary>Firmware libvirt picks by itself (<c>&lt;os firmware=…&gt;</c>) (XML spelling in <see cref="DomainXmlSpelling"/>).</summary>
public enum OsFirmware
{
    Bios,
    Efi,
}
