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
    /// <param name="tcp">How the guest's TCP health port is probed from the host; required when the check has one.</param>
    /// <returns>Null when healthy, else why not.</returns>
    /// <exception cref="ArgumentException">The check has nothing to evaluate, or a TCP port and no endpoint to reach it.</exception>
    public static async Task<string?> WaitAsync(HealthCheck health, string consoleLog, TcpProbe? tcp, Func<bool> stillRunning,
        TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(health);
        if (health.ConsolePattern is null && health.TcpPort is null)
            throw new ArgumentException("A health check with no console pattern and no TCP port cannot say an appliance is healthy.", nameof(health));
        if (health.TcpPort is not null && tcp is null)
            throw new ArgumentException($"The TCP health port {health.TcpPort} is not reachable from the host (no port is forwarded to it).", nameof(tcp));
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(health.TimeoutSeconds);
        var pattern = health.ConsolePattern is null ? null : new Regex(health.ConsolePattern, RegexOptions.None, TimeSpan.FromSeconds(1));
        var consoleUp = pattern is null;
        var portUp = tcp is null;
        while (time.GetUtcNow() < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            consoleUp = consoleUp || ConsoleLog.ReadLines(consoleLog).Any(pattern!.IsMatch);
            portUp = portUp || await tcp!.IsOpenAsync(time, cancellationToken).ConfigureAwait(false);
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
            missing.Add($"{tcp} never accepted a connection");
        return $"{string.Join(" and ", missing)} within {health.TimeoutSeconds} s";
    }
}
