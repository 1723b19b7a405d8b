namespace VirtAppliance.Core.DomainXml;

/// <summary>How an explicit loader is mapped into the guest (XML spelling in <see cref="DomainXmlSpelling"/>).</summary>
public enum LoaderType
{
    Rom,
    Pflash,
}
