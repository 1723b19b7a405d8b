using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.DomainXml;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Images;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Deployment;

/// <summary>
/// Which VMs exist: the index's rows with their domains' live state, and domains that carry our
/// metadata without a row (the association lives in libvirt too, so a lost index loses nothing).
/// </summary>
internal static partial class Inventory
{
    public static async Task<InstanceStatus> StatusAsync(InstanceRecord record, DomainState? state, bool domainMissing, bool unindexed, CancellationToken cancellationToken)
    {
        var disks = new List<DiskUsage>();
        foreach (var disk in record.Disks)
        {
            long? virtualSize = null;
            if (File.Exists(disk.Path))
            {
                try
                {
                    virtualSize = (await ImageInspector.InspectAsync(disk.Path, cancellationToken).ConfigureAwait(false)).VirtualSize;
                }
                catch (Exception error) when (error is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    // A listing shows what it can; an unreadable disk shows no size.
                }
            }
            disks.Add(new DiskUsage(disk, virtualSize, FileAllocation.AllocatedBytes(disk.Path)));
        }
        return new InstanceStatus(record, state, domainMissing, disks, unindexed);
    }

    /// <summary>Domains on <paramref name="hypervisor"/> that carry instance metadata but are not in <paramref name="known"/>, as records rebuilt from their definitions.</summary>
    public static async Task<IReadOnlyList<(InstanceRecord? Record, string Name, string? Problem)>> UnindexedAsync(
        IHypervisor hypervisor, ApplianceStore store, IReadOnlySet<Guid> known, TimeProvider time, CancellationToken cancellationToken)
    {
        var found = new List<(InstanceRecord?, string, string?)>();
        foreach (var domain in hypervisor.ListDomains().Where(domain => !known.Contains(domain.Uuid)))
        {
            string xml;
            try
            {
                if (hypervisor.GetMetadata(domain.Name, MetadataNamespace.Instance) is null)
                    continue;
                xml = hypervisor.GetXml(domain.Name, inactive: true);
            }
            catch (HypervisorException)
            {
                continue; // gone while listing
            }
            var (record, problem) = await AdoptAsync(xml, hypervisor.Uri, store, time, cancellationToken).ConfigureAwait(false);
            if (record is not null || problem is not null)
                found.Add((record, domain.Name, problem));
        }
        return found;
    }

    /// <summary>
    /// Rebuilds an index row from a domain definition: its metadata names the appliance version; that
    /// version's descriptor says which disk each target is and its role. Disk files, network and
    /// domain type come from the definition itself. What it ran before an update is not known again,
    /// so an adopted VM has no rollback target. A domain whose disks are not in this store's
    /// instances folder belongs to another store (or none): neither record nor problem.
    /// </summary>
    public static async Task<(InstanceRecord? Record, string? Problem)> AdoptAsync(string domainXml, string uri, ApplianceStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        // Cheap first look: domains of other stores (or none) are not ours to report on.
        if (!domainXml.Contains(store.InstancesFolder + "/", StringComparison.Ordinal))
            return (null, null);
        DomainDefinition definition;
        try
        {
            definition = DomainXmlReader.Read(domainXml);
        }
        catch (InvalidDataException error)
        {
            return (null, error.Message);
        }
        var folder = Path.Combine(store.InstancesFolder, definition.Name);
        // The config disk is the VM's own, not one of the appliance's drives.
        var configDisk = definition.Devices.Disks.Select(disk => disk.Source).OfType<FileDiskSource>()
            .Select(source => source.Path).FirstOrDefault(path => ConfigGenerationPattern().IsMatch(path));
        var fileDisks = definition.Devices.Disks.Where(disk => disk.Source is FileDiskSource source && !ConfigGenerationPattern().IsMatch(source.Path)).ToList();
        if (!fileDisks.Any(disk => ((FileDiskSource)disk.Source).Path.StartsWith(folder + "/", StringComparison.Ordinal)))
            return (null, null);
        if (definition.Metadata is not { Version: { } version, Release: { } release } metadata)
            return (null, "its metadata names no appliance version");
        var installed = (await store.FindAsync($"{metadata.ApplianceName}@{version}-{release}", cancellationToken).ConfigureAwait(false)).LastOrDefault();
        if (installed is null)
            return (null, $"{metadata.ApplianceName}@{version}-{release} is not installed in {store.Root}, so its disks' roles are unknown");
        var descriptor = DeploymentContext.Load(installed);
        var targets = fileDisks.Select(disk => disk.Target.Device).ToHashSet(StringComparer.Ordinal);
        var boot = descriptor.Boots.FirstOrDefault(boot => boot.Drives.Select(drive => drive.Target).ToHashSet(StringComparer.Ordinal).SetEquals(targets));
        if (boot is null)
            return (null, $"its disks ({string.Join(", ", targets.Order(StringComparer.Ordinal))}) match no boot of {installed.Id}");
        var disks = fileDisks.Select(disk =>
        {
            var diskId = boot.Drives.First(drive => drive.Target == disk.Target.Device).DiskId;
            return new InstanceDisk(diskId, disk.Target.Device, descriptor.FindDisk(diskId)!.Role, disk.Driver.Format, ((FileDiskSource)disk.Source).Path);
        }).ToList();
        var record = new InstanceRecord(definition.Name, definition.Uuid, installed.Name, installed.Version, installed.Release,
            metadata.PackageDigest is { } digest && digest.StartsWith("sha256:", StringComparison.Ordinal) ? digest["sha256:".Length..] : installed.PackageSha256,
            uri, folder, definition.Devices.Interfaces.FirstOrDefault()?.Source.Spelling ?? "user", definition.Type.ToXml(), disks, time.GetUtcNow(), Previous: null)
        {
            Forwards = [.. definition.Devices.Interfaces.Select(nic => nic.Source).OfType<UserInterfaceSource>().SelectMany(user => user.Forwards)],
            ConfigGeneration = configDisk is null ? 0
                : int.Parse(ConfigGenerationPattern().Match(configDisk).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            // What the disk says, defaults included: the row cannot tell them apart any more.
            SiteValues = configDisk is null || !File.Exists(configDisk) ? new Dictionary<string, string>(StringComparer.Ordinal)
                : await Configuration.ConfigDisk.ReadPublicValuesAsync(configDisk, cancellationToken).ConfigureAwait(false),
        };
        return (record, null);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"/config-([0-9]+)\.iso$")]
    private static partial System.Text.RegularExpressions.Regex ConfigGenerationPattern();
}
