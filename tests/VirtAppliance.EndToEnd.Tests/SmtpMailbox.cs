using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>A real SMTP server on loopback (Debian's aiosmtpd, run by /usr/bin/python3) that keeps each mail in a maildir.</summary>
internal sealed class SmtpMailbox : IDisposable
{
    private readonly Process server;

    public SmtpMailbox(string folder)
    {
        Folder = folder;
        Port = FreePort();
        server = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "aiosmtpd.handlers.Mailbox", folder])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        // Ready when it accepts connections.
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }
        throw new InvalidOperationException($"aiosmtpd did not listen on 127.0.0.1:{Port}: {server.StandardError.ReadToEnd()}");
    }

    public string Folder { get; }

    public int Port { get; }

    /// <summary>The mails received so far, whole.</summary>
    public IReadOnlyList<string> Mails =>
        Directory.Exists(Path.Combine(Folder, "new")) ? [.. Directory.GetFiles(Path.Combine(Folder, "new")).Order(StringComparer.Ordinal).Select(File.ReadAllText)] : [];

    public void Dispose()
    {
        if (!server.HasExited)
            server.Kill(entireProcessTree: true);
        server.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
