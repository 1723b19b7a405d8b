namespace VirtAppliance.Core.Descriptors;

/// <summary>
/// A TCP port the appliance serves on one of its network interfaces (<c>&lt;interface&gt;&lt;port guest="80"/&gt;</c>);
/// with user-mode networking, deploy publishes it on a free loopback port of the host.
/// </summary>
/// <param name="Interface">Which interface (0 for the first <c>&lt;interface&gt;</c>).</param>
/// <param name="Guest">The port inside the guest.</param>
/// <param name="Name">What it is, e.g. "http"; shown beside the forward.</param>
public sealed record ServedPort(int Interface, int Guest, string? Name, SourceLocation Location);
