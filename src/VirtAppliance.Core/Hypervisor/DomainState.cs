namespace VirtAppliance.Core.Hypervisor;

/// <summary>The state of a domain (a VM) as the hypervisor reports it.</summary>
public enum DomainState
{
    NoState = 0,
    Running = 1,
    Blocked = 2,
    Paused = 3,
    ShuttingDown = 4,
    ShutOff = 5,
    Crashed = 6,
    PMSuspended = 7,
}
