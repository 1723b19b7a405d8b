namespace VirtAppliance.Core.DomainXml;

/// <summary>
/// The <c>&lt;features&gt;</c> element. libvirt knows a feature only as present or absent:
/// a feature the appliance wants off is simply not written.
/// </summary>
public sealed record DomainFeatures(bool Pae, bool Acpi, bool Apic)
{
    public bool Any => Pae || Acpi || Apic;
}
