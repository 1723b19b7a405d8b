using System.Text.RegularExpressions;
using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Deployment;

/// <summary>Waits until an appliance says it is up: a serial-console line matching the pattern appears in the log.</summary>
internal static class HealthWaiter
{
    /// <returns>Null when healthy, else why not.</returns>
    public static async Task<string?> WaitAsync(HealthCheck health, string consoleLog, Func<bool> stillRunning, TimeProvider time, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(health.TimeoutSeconds);
        var pattern = health.ConsolePattern is null ? null : new Regex(health.ConsolePattern, RegexOptions.None, TimeSpan.FromSeconds(1));
        while (time.GetUtcNow() < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (pattern is null || ConsoleLog.ReadLines(consoleLog).Any(pattern.IsMatch))
                return null;
            if (!stillRunning())
                // It may have printed the line just before it stopped.
                return pattern is not null && ConsoleLog.ReadLines(consoleLog).Any(pattern.IsMatch) ? null : "the VM stopped before it became healthy";
            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
        }
        return $"no console line matched /{health.ConsolePattern}/ within {health.TimeoutSeconds} s";
    }
}
