namespace VirtAppliance.Core.DomainXml;

/// <summary>
/// <c>&lt;graphics type='vnc' autoport='yes'&gt;</c> listening on <see cref="ListenAddress"/> only
/// (loopback unless told otherwise: a VNC console has no password).
/// </summary>
public sealed record DomainGraphics(GraphicsType Type, string ListenAddress);
