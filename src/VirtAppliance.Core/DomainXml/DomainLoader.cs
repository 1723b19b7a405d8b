namespace VirtAppliance.Core.DomainXml;

/// <summary>An explicit <c>&lt;loader readonly='yes' type='pflash'&gt;path&lt;/loader&gt;</c> (e.g. OVMF).</summary>
public sealed record DomainLoader(string Path, LoaderType Type, bool ReadOnly);
