using VirtAppliance.Core.Deployment;

namespace VirtAppliance.Web.Live;

/// <summary>
/// The VMs as last listed (state and disk sizes), shared by /metrics and the alert pass so a scrape never waits for libvirt;
/// <see cref="LiveStateService"/> refreshes it on every lifecycle event and every few seconds.
/// </summary>
public sealed class VmSnapshot
{
    private IReadOnlyList<InstanceStatus> vms = [];

    public IReadOnlyList<InstanceStatus> Vms => Volatile.Read(ref vms);

    /// <summary>When the list was last read; null before the first time.</summary>
    public DateTimeOffset? ReadAt { get; private set; }

    internal void Set(IReadOnlyList<InstanceStatus> current, DateTimeOffset at)
    {
        Volatile.Write(ref vms, current);
        ReadAt = at;
    }
}
