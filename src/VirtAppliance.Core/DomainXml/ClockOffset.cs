namespace VirtAppliance.Core.DomainXml;

/// <summary>The guest clock's offset from the host's (XML spelling in <see cref="DomainXmlSpelling"/>).</summary>
public enum ClockOffset
{
    Utc,
    Localtime,
}
