using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace VirtAppliance.Core.Deployment;

/// <summary>
/// Whether a guest TCP port accepts connections, seen through a QEMU user-mode forward. QEMU accepts
/// every connection on the host side at once and holds it while it tries the guest (a booting guest
/// does not answer yet), closing it when the guest refuses. So the host side alone cannot tell: the
/// probe connects and then asks QEMU (<c>info usernet</c>) whether its end towards the guest is
/// ESTABLISHED; data from the server counts too.
/// </summary>
/// <param name="Endpoint">The host end of the forward.</param>
/// <param name="GuestPort">The guest port it forwards to.</param>
/// <param name="UserNetworkState">QEMU's <c>info usernet</c> of the VM, read when needed.</param>
internal sealed partial record TcpProbe(IPEndPoint Endpoint, int GuestPort, Func<string> UserNetworkState)
{
    /// <summary>How long a connection may wait for the guest to take it before this attempt counts as "not yet".</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    public async Task<bool> IsOpenAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        using var socket = new Socket(Endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var connectTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), time);
        using var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connectTimeout.Token);
        try
        {
            await socket.ConnectAsync(Endpoint, connecting.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is SocketException || (error is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }

        var deadline = time.GetUtcNow() + Settle;
        while (true)
        {
            if (socket.Poll(0, SelectMode.SelectRead))
                return socket.Available > 0; // data: a server that greets; end of stream: refused behind the forward
            if (IsEstablished(UserNetworkState(), Endpoint.Port, GuestPort))
                return true;
            if (time.GetUtcNow() >= deadline)
                return false;
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>True when QEMU's <c>info usernet</c> lists an ESTABLISHED connection from host port <paramref name="hostPort"/> to guest port <paramref name="guestPort"/>.</summary>
    public static bool IsEstablished(string userNetworkState, int hostPort, int guestPort) =>
        userNetworkState.Split('\n').Select(line => UserNetLine().Match(line)).Any(match => match.Success
            && match.Groups["state"].Value == "ESTABLISHED"
            && match.Groups["source"].Value == hostPort.ToString(System.Globalization.CultureInfo.InvariantCulture)
            && match.Groups["destination"].Value == guestPort.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public override string ToString() => $"guest port {GuestPort} (forwarded from {Endpoint})";

    // "  TCP[ESTABLISHED]   31       127.0.0.1 32835       10.0.2.15    80     0     0"
    [GeneratedRegex(@"^\s*TCP\[(?<state>[A-Z_]+)\]\s+\S+\s+\S+\s+(?<source>\d+)\s+\S+\s+(?<destination>\d+)\s")]
    private static partial Regex UserNetLine();
}
