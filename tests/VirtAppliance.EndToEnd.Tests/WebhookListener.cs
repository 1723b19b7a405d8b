using System.Net;
using System.Net.Sockets;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>A real HTTP listener on 127.0.0.1 that answers 503 to the first <c>failFirst</c> requests of each delivery, then 204, and keeps the bodies it accepted.</summary>
internal sealed class WebhookListener : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Task loop;
    private readonly Lock gate = new();
    private readonly List<string> accepted = [];
    private int failuresLeft;

    public WebhookListener(int failFirst)
    {
        FailFirst = failFirst;
        failuresLeft = failFirst;
        Port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public int FailFirst { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/hook");

    /// <summary>Every request, refused ones included.</summary>
    public int Requests { get; private set; }

    public IReadOnlyList<string> Accepted
    {
        get
        {
            lock (gate)
                return [.. accepted];
        }
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception error) when (error is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            lock (gate)
            {
                Requests++;
                if (failuresLeft > 0)
                {
                    failuresLeft--;
                    context.Response.StatusCode = 503;
                }
                else
                {
                    accepted.Add(body);
                    context.Response.StatusCode = 204;
                    // The next delivery fails its first attempts again.
                    failuresLeft = FailFirst;
                }
            }
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        loop.Wait(TimeSpan.FromSeconds(5));
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
