using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Services;

namespace VirtAppliance.Web.Live;

/// <summary>
/// Runs the watch pass (<see cref="WatchService.EvaluateAsync"/>: status of every VM, thresholds, alerts, notifications, the gauges
/// behind /metrics) when serve starts, every <see cref="ServeOptions.WatchInterval"/>, and soon after a VM changes state (a
/// lifecycle event, an operation through the page or the API). The page shows the last pass.
/// </summary>
public sealed partial class WatchLoop(ApplianceServices services, ServeOptions options, TimeProvider time, ILogger<WatchLoop> logger) : BackgroundService
{
    private readonly SemaphoreSlim soon = new(0, 1);

    /// <summary>After each pass (the live view redraws health, disks and alerts).</summary>
    public event Action? PassCompleted;

    /// <summary>Asks for a pass soon (once for a burst of requests).</summary>
    public void RequestPass()
    {
        try
        {
            soon.Release();
        }
        catch (SemaphoreFullException)
        {
            // One is already asked for.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pass = await services.Watch.EvaluateAsync(stoppingToken).ConfigureAwait(false);
                foreach (var alert in pass.Events)
                    LogAlert(logger, alert.Summary);
                PassCompleted?.Invoke();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is VirtApplianceException or IOException)
            {
                LogPassFailed(logger, error.Message);
            }
            try
            {
                if (await soon.WaitAsync(options.WatchInterval, stoppingToken).ConfigureAwait(false))
                    // Events come in bursts (a deploy defines, then starts): one pass for the burst.
                    await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "watch pass failed: {Reason}")]
    private static partial void LogPassFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Alert}")]
    private static partial void LogAlert(ILogger logger, string alert);
}
