using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Internal;
using VirtAppliance.Core.Monitoring;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Services;

/// <summary>
/// The watch pass: every VM's status, each disk's level against its thresholds (with hysteresis), an alert change
/// recorded in the index and sent to every notification channel once. 'serve' runs it periodically, 'watch' from
/// the command line (cron). Passes of several processes on one store take turns (ROOT/.watch.lock), so an alert
/// fires once whoever runs the pass.
/// </summary>
public sealed class WatchService(ApplianceStore store, IHypervisorConnector connector, DeploymentSettings settings, ApplianceMetrics metrics, HttpClient http)
{
    /// <summary>How long a pass waits for another process's pass to finish.</summary>
    public static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>The last pass this process ran; null before the first.</summary>
    public WatchResult? LastPass { get; private set; }

    /// <summary>One pass over all VMs.</summary>
    public async Task<WatchResult> EvaluateAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var index = await store.OpenIndexAsync(cancellationToken).ConfigureAwait(false);
            using var passLock = await FileLock.AcquireAsync(Path.Combine(store.Root, ".watch.lock"), "the watch pass", LockTimeout, settings.Time, cancellationToken)
                .ConfigureAwait(false);
            var records = await index.ListInstancesAsync(cancellationToken).ConfigureAwait(false);
            var statuses = await StatusCollector.ReadAsync(store, index, connector, records, settings.Time, cancellationToken).ConfigureAwait(false);
            var now = settings.Time.GetUtcNow();
            var (events, changes) = WatchPass.Compare(statuses, await index.ListAlertsAsync(cancellationToken).ConfigureAwait(false), now);
            // Recorded before it is sent: a pass that dies while sending loses a notification rather than repeating it forever.
            if (changes.Count > 0)
                await index.SaveAlertsAsync(changes, cancellationToken).ConfigureAwait(false);
            var channels = await NotificationSettings.LoadAsync(store.Root, cancellationToken).ConfigureAwait(false);
            var deliveries = await new Notifier(settings.Time, http).SendAsync(channels, events, cancellationToken).ConfigureAwait(false);
            metrics.Observe(statuses);
            metrics.Delivered(deliveries);
            return LastPass = new WatchResult(now, statuses, events, deliveries);
        }
        finally
        {
            gate.Release();
        }
    }
}
