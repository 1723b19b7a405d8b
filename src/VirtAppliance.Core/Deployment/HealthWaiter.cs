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
        var pattern = health.ConsolePattern is null ? null : new Regex(health.ConsolePattern, RegexOptions.Multiline, TimeSpan.FromSeconds(1));
        while (time.GetUtcNow() < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (pattern is null || (File.Exists(consoleLog) && pattern.IsMatch(ReadShared(consoleLog))))
                return null;
            if (!stillRunning())
                return "the VM stopped before it became healthy";
            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
        }
        return $"no console line matched /{health.ConsolePattern}/ within {health.TimeoutSeconds} s";
    }

    /// <summary>The console log is being written by QEMU while we read it.</summary>
    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r", "", StringComparison.Ordinal);
    }

}
