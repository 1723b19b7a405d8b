using VirtAppliance.Core.Configuration;
using VirtAppliance.Core.DomainXml;

namespace VirtAppliance.Core.Store;

/// <summary>A VM deployed from an installed appliance version, as the store index records it.</summary>
/// <param name="Uri">The libvirt URI the domain was defined on.</param>
/// <param name="Folder">The VM's own folder in the store (its disks, console log, previous definition).</param>
/// <param name="Network">What its interfaces are attached to, as deploy's --network spells it (user, network=NAME, bridge=BR).</param>
/// <param name="VirtType">The libvirt domain type chosen at deploy (kvm, qemu …); updates keep it.</param>
/// <param name="Previous">The version it ran before its last update, for rollback; null before any update.</param>
public sealed record InstanceRecord(
    string Name,
    Guid Uuid,
    string Appliance,
    string Version,
    string Release,
    string PackageSha256,
    string Uri,
    string Folder,
    string Network,
    string VirtType,
    IReadOnlyList<InstanceDisk> Disks,
    DateTimeOffset CreatedAt,
    InstancePrevious? Previous)
{
    /// <summary>Host ports forwarded to the guest (user-mode networking); kept across stop/start and update.</summary>
    public IReadOnlyList<PortForward> Forwards { get; init; } = [];

    /// <summary>The site values set for it that are not passwords (defaults not included); passwords live only on its config disk.</summary>
    public IReadOnlyDictionary<string, string> SiteValues { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Which config disk it runs (ROOT/instances/VM/config-N.iso); 0 for none (deployed by an earlier release).</summary>
    public int ConfigGeneration { get; init; }

    /// <summary>Values set with 'config set' and not applied yet (passwords only in config-pending.iso); null when nothing is pending.</summary>
    public IReadOnlyDictionary<string, string>? PendingValues { get; init; }

    /// <summary>The site's Puppet modules it runs with (on its config disk), in the order added; their files are in <see cref="SiteModuleFolder"/>.</summary>
    public IReadOnlyList<SiteModule> SitePuppet { get; init; } = [];

    /// <summary>The site's Puppet modules as 'config puppet add/remove' left them, not applied yet; null when they are not changed.</summary>
    public IReadOnlyList<SiteModule>? PendingSitePuppet { get; init; }

    /// <summary>Disk levels the site set with 'config VM threshold DISK' (disk id → levels); they win over the appliance's. Kept across update.</summary>
    public IReadOnlyDictionary<string, Descriptors.DiskThreshold> Thresholds { get; init; } = new Dictionary<string, Descriptors.DiskThreshold>(StringComparer.Ordinal);

    /// <summary>The VM's own copy of a site module's files: ROOT/instances/VM/site-puppet/NAME-DIGEST12.</summary>
    public string SiteModuleFolder(SiteModule module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return System.IO.Path.Combine(Folder, "site-puppet", $"{module.Name}-{module.ShortDigest}");
    }

    /// <summary>The config disk it runs, or null for none.</summary>
    public string? ConfigDisk => ConfigGeneration == 0 ? null : ConfigDiskOf(ConfigGeneration);

    /// <summary>The config disk of generation <paramref name="generation"/> in this VM's folder.</summary>
    public string ConfigDiskOf(int generation) => System.IO.Path.Combine(Folder, $"config-{generation}.iso");

    /// <summary>The config disk that 'config set' wrote and 'config apply' attaches.</summary>
    public string PendingConfigDisk => System.IO.Path.Combine(Folder, "config-pending.iso");

    public string ConsoleLog => System.IO.Path.Combine(Folder, "console.log");

    public string ApplianceId => $"{Appliance}@{Version}-{Release}";
}
