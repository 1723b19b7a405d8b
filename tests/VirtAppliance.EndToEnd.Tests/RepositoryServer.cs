using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>
/// A small HTTP/1.1 file server on 127.0.0.1 for a repository folder, written on a socket so that tests can
/// misbehave on purpose: cut a download after N bytes, send endless bytes, or serve other bytes for a path.
/// It honours Range (bytes=N-) with 206 and Content-Range, as nginx or Apache would.
/// </summary>
internal sealed class RepositoryServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly string folder;
    private readonly CancellationTokenSource stop = new();

    public RepositoryServer(string folder)
    {
        this.folder = folder;
        listener.Start();
        _ = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/";

    /// <summary>Paths (relative, with '/') served with these bytes instead of the file's.</summary>
    public ConcurrentDictionary<string, byte[]> Overrides { get; } = new(StringComparer.Ordinal);

    /// <summary>Paths answered with bytes that never end (no Content-Length).</summary>
    public ConcurrentDictionary<string, bool> Endless { get; } = new(StringComparer.Ordinal);

    /// <summary>While set, a package download is cut (connection closed) after this many body bytes; called per request.</summary>
    public Func<long?>? CutAfter { get; set; }

    /// <summary>Every path asked for, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Body bytes sent per path, to show which package a client downloaded and how much of it.</summary>
    public ConcurrentDictionary<string, long> BytesServed { get; } = new(StringComparer.Ordinal);

    /// <summary>Range requests seen (their first byte), to show that a download resumed.</summary>
    public ConcurrentQueue<long> RangeStarts { get; } = new();

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            while (true)
            {
                var head = await ReadHeadAsync(stream);
                if (head is null)
                    return;
                var lines = head.Split("\r\n");
                var path = Uri.UnescapeDataString(lines[0].Split(' ')[1].TrimStart('/'));
                Requests.Enqueue(path);
                long start = 0;
                var range = lines.FirstOrDefault(l => l.StartsWith("Range:", StringComparison.OrdinalIgnoreCase));
                if (range is not null)
                {
                    start = long.Parse(range.Split('=')[1].TrimEnd('-').Split('-')[0], CultureInfo.InvariantCulture);
                    RangeStarts.Enqueue(start);
                }

                if (Endless.ContainsKey(path))
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"));
                    var chunk = new byte[65536];
                    Array.Fill(chunk, (byte)'{');
                    for (var i = 0; i < 100_000 && !stop.IsCancellationRequested; i++)
                        await stream.WriteAsync(chunk);
                    return;
                }

                byte[]? body = Overrides.TryGetValue(path, out var replaced) ? replaced : null;
                var file = Path.Combine(folder, path);
                if (body is null && !File.Exists(file))
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
                    continue;
                }
                body ??= await File.ReadAllBytesAsync(file);
                var length = body.Length - start;
                var status = start > 0 ? $"206 Partial Content\r\nContent-Range: bytes {start}-{body.Length - 1}/{body.Length}" : "200 OK";
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Length: {length}\r\nAccept-Ranges: bytes\r\n\r\n"));
                var cut = path.EndsWith(".vapp", StringComparison.Ordinal) ? CutAfter?.Invoke() : null;
                var send = cut is { } limit ? Math.Min(length, limit) : length;
                BytesServed.AddOrUpdate(path, send, (_, sent) => sent + send);
                await stream.WriteAsync(body.AsMemory((int)start, (int)send));
                if (send < length)
                    return;
            }
        }
        catch (IOException)
        {
            // The client went away.
        }
    }

    private static async Task<string?> ReadHeadAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (!(bytes.Count >= 4 && bytes[^1] == '\n' && bytes[^2] == '\r' && bytes[^3] == '\n' && bytes[^4] == '\r'))
        {
            if (await stream.ReadAsync(one) == 0)
                return null;
            bytes.Add(one[0]);
        }
        return Encoding.ASCII.GetString([.. bytes]);
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        stop.Dispose();
    }
}
