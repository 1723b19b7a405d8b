namespace VirtAppliance.Core.DomainXml;

/// <summary>A <c>&lt;serial&gt;</c> port (ttyS0 for port 0).</summary>
public sealed record DomainSerial(CharDeviceSource Source, int Port);
