using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using VirtAppliance.EndToEnd.Tests;

namespace VirtAppliance.Web.Tests;

/// <summary>
/// <c>virt-appliance serve</c> as a user runs it: the real CLI in its own process on a free loopback port, over a test store,
/// deploying on the system libvirt with software emulation. Everything it prints is kept (tests look for secrets in it).
/// </summary>
internal sealed partial class ServeProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder log = new();
    private readonly Lock gate = new();

    private ServeProcess(Process process) => this.process = process;

    public Uri Url { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public int Pid => process.Id;

    /// <summary>What the server printed so far (stdout and stderr).</summary>
    public string Log
    {
        get
        {
            lock (gate)
                return log.ToString();
        }
    }

    public static async Task<ServeProcess> StartAsync(string root, string listen = "127.0.0.1:0", string? tokenFile = null, string? token = null, int? watchInterval = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "virt-appliance.dll"), "serve", "--listen", listen, "--root", root, "--connect", CliRunner.SystemUri })
            start.ArgumentList.Add(argument);
        if (tokenFile is not null)
        {
            start.ArgumentList.Add("--token-file");
            start.ArgumentList.Add(tokenFile);
        }
        if (watchInterval is { } seconds)
        {
            start.ArgumentList.Add("--watch-interval");
            start.ArgumentList.Add(seconds.ToString(CultureInfo.InvariantCulture));
        }
        start.Environment["VIRT_APPLIANCE_VIRT_TYPE"] = "qemu";
        var process = Process.Start(start)!;
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = new ServeProcess(process);
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
                return;
            server.Append(line.Data);
            if (ServingLine().Match(line.Data) is { Success: true } match)
                ready.TrySetResult(new Uri(match.Groups[1].Value));
        };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
                server.Append(line.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != ready.Task)
        {
            var output = server.Log;
            if (!process.HasExited)
                process.Kill();
            throw new InvalidOperationException($"serve did not start: {output}");
        }
        server.Url = await ready.Task;
        server.Client = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromMinutes(5) };
        if (token is not null)
            server.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return server;
    }

    /// <summary>The server's resident memory (VmRSS of /proc/PID/status), in bytes.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        throw new InvalidOperationException("no VmRSS");
    }

    private void Append(string line)
    {
        lock (gate)
            log.AppendLine(line);
    }

    /// <summary>Stops it as Ctrl-C or a service manager would (SIGTERM), then waits.</summary>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!process.HasExited)
        {
            Tools.Run("kill", "-TERM", process.Id.ToString(CultureInfo.InvariantCulture));
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        process.Dispose();
    }

    [GeneratedRegex(@"serving (http://\S+/)")]
    private static partial Regex ServingLine();
}
