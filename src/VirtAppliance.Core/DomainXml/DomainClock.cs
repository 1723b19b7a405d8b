namespace VirtAppliance.Core.DomainXml;

/// <summary>The <c>&lt;clock offset=…/&gt;</c> element.</summary>
public sealed record DomainClock(ClockOffset Offset);
