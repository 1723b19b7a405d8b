using System.Globalization;
using System.Net;
using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Web;

/// <summary>Where serve listens: an IP address (IPv6 in brackets) or <c>localhost</c>, and a port.</summary>
public sealed record ListenAddress(IPAddress Address, int Port)
{
    /// <summary>127.0.0.0/8 or ::1: only this machine can connect.</summary>
    public bool IsLoopback => IPAddress.IsLoopback(Address);

    /// <exception cref="UsageException">Not ADDRESS:PORT.</exception>
    public static ListenAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
            throw new UsageException($"--listen {text}: not ADDRESS:PORT (e.g. 127.0.0.1:8080, [::1]:8080, 0.0.0.0:8443; port 0 picks a free one)");
        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
            host = host[1..^1];
        var address = host == "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var parsed) ? parsed
            : throw new UsageException($"--listen {text}: '{host}' is not an IP address (give one the server should bind, e.g. 127.0.0.1 or 0.0.0.0)");
        return new ListenAddress(address, port);
    }

    public override string ToString() => Format(Address, Port);

    /// <summary>The URL a browser on this machine (loopback) or elsewhere uses.</summary>
    public static string Format(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]:{port}" : $"{address}:{port}";
    }
}
