using System.Net;
using System.Net.Sockets;

namespace VirtAppliance.Core.Deployment;

/// <summary>
/// Whether a guest TCP port accepts connections, seen through a QEMU user-mode forward. QEMU accepts
/// every connection on the host side at once and only then connects to the guest: when the guest
/// refuses, it closes the host side. So "open" means accepted and not closed within a moment: the
/// server sends something, or waits for a request.
/// </summary>
internal static class TcpProbe
{
    /// <summary>How long a connection must stay open (or bring data) to count; QEMU closes a refused one within milliseconds.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(750);

    public static async Task<bool> IsOpenAsync(IPEndPoint endpoint, TimeProvider time, CancellationToken cancellationToken)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var connectTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2), time);
        using var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connectTimeout.Token);
        try
        {
            await socket.ConnectAsync(endpoint, connecting.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is SocketException || (error is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }

        using var settleTimeout = new CancellationTokenSource(Settle, time);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, settleTimeout.Token);
        try
        {
            var buffer = new byte[1];
            // Data: a server that greets. End of stream: closed behind the forward.
            return await socket.ReceiveAsync(buffer, SocketFlags.None, reading.Token).ConfigureAwait(false) > 0;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return true; // still open and quiet: a server waiting for its request
        }
        catch (SocketException)
        {
            return false; // reset
        }
    }
}
