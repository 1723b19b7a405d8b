using VirtAppliance.Core.Configuration;

namespace VirtAppliance.Core.Store;

/// <summary>What an instance ran before an update: enough to return to it.</summary>
/// <param name="DomainXml">The libvirt definition it had (file in the instance folder).</param>
public sealed record InstancePrevious(string Version, string Release, string PackageSha256, IReadOnlyList<InstanceDisk> Disks, string DomainXml)
{
    /// <summary>The config disk generation it ran (its definition attaches that disk).</summary>
    public int ConfigGeneration { get; init; }

    /// <summary>Its site values (not passwords).</summary>
    public IReadOnlyDictionary<string, string> SiteValues { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The site's Puppet modules on that config disk (a list, as the index reads it back).</summary>
    public IReadOnlyList<SiteModule> SitePuppet { get; init; } = new List<SiteModule>();
}
