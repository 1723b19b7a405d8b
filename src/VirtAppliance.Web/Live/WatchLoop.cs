using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Services;

namespace VirtAppliance.Web.Live;

/// <summary>
/// Runs the watch pass (<see cref="WatchService.EvaluateAsync"/>: status of every VM, thresholds, alerts, notifications, the gauges
/// behind /metrics) when serve starts and then every <see cref="ServeOptions.WatchInterval"/>. The page shows the last pass.
/// </summary>
public sealed partial class WatchLoop(ApplianceServices services, ServeOptions options, TimeProvider time, ILogger<WatchLoop> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var pass = await services.Watch.EvaluateAsync(stoppingToken).ConfigureAwait(false);
                foreach (var alert in pass.Events)
                    LogAlert(logger, alert.Summary);
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
                await Task.Delay(options.WatchInterval, time, stoppingToken).ConfigureAwait(false);
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
