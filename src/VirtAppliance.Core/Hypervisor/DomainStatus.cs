namespace VirtAppliance.Core.Hypervisor;

/// <summary>
/// A domain's state and why it is in it. <see cref="Reason"/> is the hypervisor's reason code,
/// whose meaning depends on the state; <see cref="ReasonName"/> spells the common ones as virsh does.
/// </summary>
public readonly record struct DomainStatus(DomainState State, int Reason)
{
    /// <summary>True while the domain has a running process (anything but shut off or no state).</summary>
    public bool IsActive => State is not (DomainState.ShutOff or DomainState.NoState);

    public string ReasonName => (State, Reason) switch
    {
        (DomainState.Running, 1) => "booted",
        (DomainState.Running, 2) => "migrated",
        (DomainState.Running, 3) => "restored",
        (DomainState.Running, 4) => "from snapshot",
        (DomainState.Running, 5) => "unpaused",
        (DomainState.Running, 8) => "event wakeup",
        (DomainState.Running, 9) => "crashed",
        (DomainState.Paused, 1) => "user",
        (DomainState.Paused, 2) => "migrating",
        (DomainState.Paused, 3) => "saving",
        (DomainState.Paused, 5) => "I/O error",
        (DomainState.Paused, 6) => "watchdog",
        (DomainState.Paused, 8) => "shutting down",
        (DomainState.Paused, 10) => "crashed",
        (DomainState.Paused, 11) => "starting up",
        (DomainState.ShuttingDown, 1) => "user",
        (DomainState.ShutOff, 1) => "shutdown",
        (DomainState.ShutOff, 2) => "destroyed",
        (DomainState.ShutOff, 3) => "crashed",
        (DomainState.ShutOff, 4) => "migrated",
        (DomainState.ShutOff, 5) => "saved",
        (DomainState.ShutOff, 6) => "failed",
        (DomainState.ShutOff, 7) => "from snapshot",
        (DomainState.ShutOff, 8) => "daemon",
        (DomainState.Crashed, 1) => "panicked",
        _ => "unknown",
    };
}
