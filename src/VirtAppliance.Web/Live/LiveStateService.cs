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
/// to every open event stream, with a "watch" event after each watch pass. Reconnects when libvirtd goes away.
/// </summary>
public sealed partial class LiveStateService(ApplianceServices services, ServeOptions options, WatchLoop watch, TimeProvider time, ILogger<LiveStateService> logger)
    : BackgroundService
{
    private readonly Lock gate = new();
    private readonly List<Channel<LiveEvent>> subscribers = [];

    /// <summary>A stream of events for one client; dispose the subscription when it goes.</summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (gate)
            subscribers.Add(channel);
        return new Subscription(this, channel);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        watch.PassCompleted += () => Publish(new LiveEvent("", Guid.Empty, "watch", null));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var lifecycleEvent in services.Instances.LifecycleEventsAsync(options.Uri, stoppingToken).ConfigureAwait(false))
                {
                    Publish(new LiveEvent(lifecycleEvent.DomainName, lifecycleEvent.DomainUuid, Spell(lifecycleEvent.Kind),
                        lifecycleEvent.State is { } state ? VmJson.StateText(state) : null));
                    watch.RequestPass();
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

    /// <summary>One client's events.</summary>
    public sealed class Subscription(LiveStateService owner, Channel<LiveEvent> channel) : IDisposable
    {
        public ChannelReader<LiveEvent> Events => channel.Reader;

        public void Dispose() => owner.Unsubscribe(channel);
    }
}
