namespace VirtAppliance.Core.Hypervisor;

/// <summary>What happened to a domain (libvirt's lifecycle event types, same numbers).</summary>
public enum DomainLifecycleEventKind
{
    Defined = 0,
    Undefined = 1,
    Started = 2,
    Suspended = 3,
    Resumed = 4,
    Stopped = 5,
    Shutdown = 6,
    PMSuspended = 7,
    Crashed = 8,
}
