using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Configuration;

/// <summary>What goes onto one instance's config disk.</summary>
/// <param name="InstanceId">cloud-init's instance id; a new one (<see cref="ConfigDisk.NewInstanceId"/>) makes cloud-init apply the disk again.</param>
/// <param name="Hostname">The guest's host name (<c>local-hostname</c>).</param>
/// <param name="MachineUuid">The domain's UUID; the guest's <c>/etc/machine-id</c> derives from it.</param>
/// <param name="Files">The rendered config files.</param>
/// <param name="Values">The effective site values: public ones to <c>values.json</c>, passwords to <c>secrets.json</c>.</param>
/// <param name="MacAddress">The NIC's MAC address, for a <c>network-config</c>; none written when null.</param>
/// <param name="Stateless">The read-only-root layout, for <c>stateless/rwtab</c> and <c>stateless/statetab</c>; none when null.</param>
public sealed record ConfigDiskSpec(
    string InstanceId,
    string Hostname,
    Guid MachineUuid,
    IReadOnlyList<RenderedFile> Files,
    SiteValues Values,
    string? MacAddress,
    StatelessLayout? Stateless)
{
    /// <summary>
    /// The site's Puppet modules, in the order added: their files go to <c>puppet/modules/&lt;name&gt;/</c>, their classes to
    /// <c>puppet/classes</c>. Each folder must still hold what its module's digest says.
    /// </summary>
    public IReadOnlyList<SiteModuleSource> Puppet { get; init; } = [];
}
