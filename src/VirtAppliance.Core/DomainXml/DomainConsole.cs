namespace VirtAppliance.Core.DomainXml;

/// <summary>
/// A <c>&lt;console&gt;</c>. With target serial it is the same device as serial port 0 (libvirt
/// requires the same source); Xen paravirt guests have a console of target xen and no serial.
/// </summary>
public sealed record DomainConsole(CharDeviceSource Source, ConsoleTarget Target, int Port);
