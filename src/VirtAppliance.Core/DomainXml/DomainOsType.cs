using VirtAppliance.Core.Capabilities;

namespace VirtAppliance.Core.DomainXml;

/// <summary>The <c>&lt;type arch='…' machine='…'&gt;hvm&lt;/type&gt;</c> inside <c>&lt;os&gt;</c>.</summary>
public sealed record DomainOsType(GuestOsType OsType, string Arch, string? Machine);
