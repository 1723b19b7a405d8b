using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Services;
using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Web.Live;

/// <summary>
/// Follows libvirt's lifecycle events for the store's VMs (through <see cref="InstanceService.LifecycleEventsAsync"/>) and hands each
/// to every open event stream; keeps <see cref="VmSnapshot"/> fresh (after each event, and every refresh interval).
/// Reconnects when libvirtd goes away.
/// </summary>
public sealed partial class LiveStateService(ApplianceServices services, ServeOptions options, VmSnapshot snapshot, TimeProvider time, ILogger<LiveStateService> logger)
    : BackgroundService
{
    private readonly Lock gate = new();
    private readonly List<Channel<LiveEvent>> subscribers = [];
    private readonly SemaphoreSlim refreshNow = new(0, 1);

    /// <summary>A stream of events for one client; dispose the subscription when it goes.</summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (gate)
            subscribers.Add(channel);
        return new Subscription(this, channel);
    }

    /// <summary>Asks for a fresh <see cref="VmSnapshot"/> soon (after an operation through the API or the page).</summary>
    public void RequestRefresh()
    {
        try
        {
            refreshNow.Release();
        }
        catch (SemaphoreFullException)
        {
            // A refresh is already asked for.
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Task.Run(() => FollowEventsAsync(stoppingToken), stoppingToken), Task.Run(() => RefreshLoopAsync(stoppingToken), stoppingToken));

    private async Task FollowEventsAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var lifecycleEvent in services.Instances.LifecycleEventsAsync(options.Uri, stoppingToken).ConfigureAwait(false))
                {
                    Publish(new LiveEvent(lifecycleEvent.DomainName, lifecycleEvent.DomainUuid, Spell(lifecycleEvent.Kind),
                        lifecycleEvent.State is { } state ? VmJson.StateText(state) : null));
                    RequestRefresh();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (VirtApplianceException error)
            {
                LogEventsLost(logger, options.Uri, error.Message);
            }
            await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task RefreshLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var inventory = await services.Instances.ListAsync(options.Uri, repair: false, stoppingToken).ConfigureAwait(false);
                snapshot.Set(inventory.Instances, time.GetUtcNow());
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is VirtApplianceException or IOException)
            {
                LogRefreshFailed(logger, error.Message);
            }
            try
            {
                await refreshNow.WaitAsync(options.RefreshInterval, stoppingToken).ConfigureAwait(false);
                // Events come in bursts (a deploy defines, starts …): one list for the burst.
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Publish(LiveEvent liveEvent)
    {
        Channel<LiveEvent>[] current;
        lock (gate)
            current = [.. subscribers];
        foreach (var channel in current)
            channel.Writer.TryWrite(liveEvent);
    }

    private void Unsubscribe(Channel<LiveEvent> channel)
    {
        lock (gate)
            subscribers.Remove(channel);
        channel.Writer.TryComplete();
    }

    private static string Spell(DomainLifecycleEventKind kind) => kind switch
    {
        DomainLifecycleEventKind.PMSuspended => "pm_suspended",
        _ => kind.ToString().ToLowerInvariant(),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "lost libvirt's events at {Uri} ({Reason}); reconnecting in 5 s")]
    private static partial void LogEventsLost(ILogger logger, string uri, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not list the VMs: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);

    /// <summary>One client's events.</summary>
    public sealed class Subscription(LiveStateService owner, Channel<LiveEvent> channel) : IDisposable
    {
        public ChannelReader<LiveEvent> Events => channel.Reader;

        public void Dispose() => owner.Unsubscribe(channel);
    }
}
