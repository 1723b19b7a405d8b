using System.Globalization;
using System.Net;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.DomainXml;

/// <summary>A host TCP port forwarded to a guest port through QEMU's user-mode networking.</summary>
/// <param name="Address">The host address QEMU listens on (127.0.0.1 unless told).</param>
/// <param name="Interface">Which of the VM's network interfaces (0 for the first).</param>
public sealed record PortForward(string Address, int HostPort, int GuestPort, int Interface = 0)
{
    public const string Loopback = "127.0.0.1";

    private const string Form = "[ADDRESS:]HOSTPORT:GUESTPORT[/tcp], e.g. 8080:80 or 127.0.0.1:8443:443";

    /// <summary>Reads podman's spelling: <c>[ADDRESS:]HOSTPORT:GUESTPORT[/tcp]</c>; ADDRESS defaults to 127.0.0.1 (IPv6 in brackets).</summary>
    /// <exception cref="InvalidInputException">Not that form, a port out of range, or another protocol.</exception>
    public static PortForward Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var spec = text.Trim();
        var slash = spec.LastIndexOf('/');
        if (slash >= 0)
        {
            if (spec[(slash + 1)..] != "tcp")
                throw Invalid(text, $"only tcp ports are forwarded, not '{spec[(slash + 1)..]}'");
            spec = spec[..slash];
        }
        string address = Loopback;
        if (spec.StartsWith('['))
        {
            var close = spec.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0)
                throw Invalid(text, "an IPv6 address in brackets must be followed by ':'");
            address = spec[1..close];
            spec = spec[(close + 2)..];
        }
        var parts = spec.Split(':');
        if (parts.Length == 3)
        {
            address = parts[0];
            parts = parts[1..];
        }
        if (parts.Length != 2)
            throw Invalid(text, "expected a host port and a guest port");
        if (!IPAddress.TryParse(address, out _))
            throw Invalid(text, $"'{address}' is not an IP address");
        return new PortForward(address, Port(parts[0], "host", text), Port(parts[1], "guest", text));
    }

    public override string ToString() =>
        $"{(Address.Contains(':', StringComparison.Ordinal) ? $"[{Address}]" : Address)}:{HostPort.ToString(CultureInfo.InvariantCulture)}->{GuestPort.ToString(CultureInfo.InvariantCulture)}/tcp";

    private static int Port(string text, string which, string whole) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535
            ? port
            : throw Invalid(whole, $"'{text}' is not a {which} port (1-65535)");

    private static InvalidInputException Invalid(string text, string problem) =>
        new($"--publish {text}: {problem}") { Hint = $"write {Form}" };
}
