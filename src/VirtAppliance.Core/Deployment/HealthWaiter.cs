using System.Text.RegularExpressions;
using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Deployment;

/// <summary>Waits until an appliance says it is up: a serial-console line matching the pattern appears in the log.</summary>
internal static class HealthWaiter
{
    /// <returns>Null when healthy (a console line matched), else why not.</returns>
    /// <exception cref="ArgumentException">The check has no console pattern: there would be nothing to wait for.</exception>
    public static async Task<string?> WaitAsync(HealthCheck health, string consoleLog, Func<bool> stillRunning, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(health);
        if (health.ConsolePattern is null)
            throw new ArgumentException("A health check without a console pattern cannot say an appliance is healthy.", nameof(health));
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(health.TimeoutSeconds);
        var pattern = new Regex(health.ConsolePattern, RegexOptions.None, TimeSpan.FromSeconds(1));
        while (time.GetUtcNow() < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (ConsoleLog.ReadLines(consoleLog).Any(pattern.IsMatch))
                return null;
            if (!stillRunning())
                // It may have printed the line just before it stopped.
                return ConsoleLog.ReadLines(consoleLog).Any(pattern.IsMatch) ? null : "the VM stopped before it became healthy";
            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
        }
        return $"no console line matched /{health.ConsolePattern}/ within {health.TimeoutSeconds} s";
    }
}
