using System.Net;
using System.Text.RegularExpressions;
using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Deployment;

/// <summary>
/// Waits until an appliance is up: every check its descriptor gives must pass — a serial-console
/// line matching the pattern appears in the log, and the TCP port accepts connections (probed
/// through the host port forwarded to it).
/// </summary>
internal static class HealthWaiter
{
    /// <param name="tcpEndpoint">Where the guest's TCP health port is reached from the host; required when the check has one.</param>
    /// <returns>Null when healthy, else why not.</returns>
    /// <exception cref="ArgumentException">The check has nothing to evaluate, or a TCP port and no endpoint to reach it.</exception>
    public static async Task<string?> WaitAsync(HealthCheck health, string consoleLog, IPEndPoint? tcpEndpoint, Func<bool> stillRunning,
        TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(health);
        if (health.ConsolePattern is null && health.TcpPort is null)
            throw new ArgumentException("A health check with no console pattern and no TCP port cannot say an appliance is healthy.", nameof(health));
        if (health.TcpPort is not null && tcpEndpoint is null)
            throw new ArgumentException($"The TCP health port {health.TcpPort} is not reachable from the host (no port is forwarded to it).", nameof(tcpEndpoint));
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(health.TimeoutSeconds);
        var pattern = health.ConsolePattern is null ? null : new Regex(health.ConsolePattern, RegexOptions.None, TimeSpan.FromSeconds(1));
        var consoleUp = pattern is null;
        var portUp = tcpEndpoint is null;
        while (time.GetUtcNow() < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            consoleUp = consoleUp || ConsoleLog.ReadLines(consoleLog).Any(pattern!.IsMatch);
            portUp = portUp || await TcpProbe.IsOpenAsync(tcpEndpoint!, time, cancellationToken).ConfigureAwait(false);
            if (consoleUp && portUp)
                return null;
            if (!stillRunning())
                // It may have printed the line just before it stopped.
                return !portUp || !(consoleUp || ConsoleLog.ReadLines(consoleLog).Any(pattern!.IsMatch)) ? "the VM stopped before it became healthy" : null;
            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
        }
        var missing = new List<string>();
        if (!consoleUp)
            missing.Add($"no console line matched /{health.ConsolePattern}/");
        if (!portUp)
            missing.Add($"guest port {health.TcpPort} (forwarded from {tcpEndpoint}) never accepted a connection");
        return $"{string.Join(" and ", missing)} within {health.TimeoutSeconds} s";
    }
}
