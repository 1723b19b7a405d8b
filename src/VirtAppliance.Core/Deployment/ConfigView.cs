using VirtAppliance.Core.Configuration;

namespace VirtAppliance.Core.Deployment;

/// <summary>A VM's site configuration as 'config show' and 'config diff' present it.</summary>
/// <param name="Generation">The config disk the VM runs (config-N.iso).</param>
/// <param name="HasPending">Values were set with 'config set' and wait for 'config apply'.</param>
/// <param name="Restarted">After 'config apply': the VM was restarted to read the new disk (false: it was not running, or restart was declined).</param>
public sealed record ConfigView(string Vm, string ApplianceId, int Generation, bool HasPending, IReadOnlyList<ConfigEntry> Entries, bool Restarted = false)
{
    /// <summary>The site's Puppet modules the VM runs with (on its config disk), in the order added.</summary>
    public IReadOnlyList<SiteModule> Puppet { get; init; } = [];

    /// <summary>The site's Puppet modules as they will be after 'config apply'; null when they are not changed.</summary>
    public IReadOnlyList<SiteModule>? PendingPuppet { get; init; }
}
