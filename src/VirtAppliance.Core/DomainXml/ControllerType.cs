namespace VirtAppliance.Core.DomainXml;

/// <summary>A controller kind (XML spelling in <see cref="DomainXmlSpelling"/>).</summary>
public enum ControllerType
{
    Scsi,
}
