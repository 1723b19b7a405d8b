namespace VirtAppliance.Core.DomainXml;

/// <summary>
/// A network disk: <c>&lt;disk type='network'&gt;&lt;source protocol=… name=…&gt;&lt;host name=… port=…/&gt;</c>.
/// </summary>
/// <param name="Protocol">nbd, iscsi, rbd, http, https …</param>
/// <param name="Name">The export, volume or path on the server.</param>
/// <param name="Host">The server name or address.</param>
/// <param name="Port">The server port, when not the protocol's default.</param>
public sealed record NetworkDiskSource(string Protocol, string Name, string Host, int? Port) : DiskSource;
