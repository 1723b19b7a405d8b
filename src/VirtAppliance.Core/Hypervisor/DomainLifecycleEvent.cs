namespace VirtAppliance.Core.Hypervisor;

/// <summary>A domain changed its lifecycle state.</summary>
/// <param name="DomainName">The domain's name.</param>
/// <param name="DomainUuid">The domain's UUID.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Detail">The hypervisor's detail code for <paramref name="Kind"/> (for Stopped: 0 shutdown, 1 destroyed, 2 crashed …).</param>
public sealed record DomainLifecycleEvent(string DomainName, Guid DomainUuid, DomainLifecycleEventKind Kind, int Detail)
{
    /// <summary>The state the domain is in after this event, or null when the event does not change it (defined, undefined).</summary>
    public DomainState? State => Kind switch
    {
        DomainLifecycleEventKind.Started or DomainLifecycleEventKind.Resumed => DomainState.Running,
        DomainLifecycleEventKind.Suspended => DomainState.Paused,
        DomainLifecycleEventKind.Stopped => DomainState.ShutOff,
        DomainLifecycleEventKind.Shutdown => DomainState.ShuttingDown,
        DomainLifecycleEventKind.PMSuspended => DomainState.PMSuspended,
        DomainLifecycleEventKind.Crashed => DomainState.Crashed,
        _ => null,
    };
}
