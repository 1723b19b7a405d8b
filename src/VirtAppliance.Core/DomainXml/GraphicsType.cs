namespace VirtAppliance.Core.DomainXml;

/// <summary>A graphical console protocol (XML spelling in <see cref="DomainXmlSpelling"/>).</summary>
public enum GraphicsType
{
    Vnc,
    Spice,
}
