using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Images;

namespace VirtAppliance.Core.Services;

public sealed partial class InstanceService
{
    /// <summary>
    /// Moves a VM to another installed version: new overlays on the new system disks, fresh scratch
    /// disks, the same user disks; restores the run state and waits for health. When the new version
    /// does not become healthy, returns to the previous overlays and state and throws.
    /// </summary>
    /// <param name="version">VERSION or VERSION-RELEASE; null for the highest installed.</param>
    public async Task<UpdateResult> UpdateAsync(string name, string? version, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        using var index = await InstanceIndex.OpenAsync(store.Root, cancellationToken).ConfigureAwait(false);
        var record = await index.FindAsync(name, cancellationToken).ConfigureAwait(false) ?? throw NoSuchInstance(name);
        var target = await ResolveInstalledAsync(version is null ? record.Appliance : $"{record.Appliance}@{version}", cancellationToken).ConfigureAwait(false);
        var to = $"{target.Version}-{target.Release}";
        var from = $"{record.Version}-{record.Release}";
        if (target.Version == record.Version && target.Release == record.Release)
            return new UpdateResult(name, from, to, Changed: false, RolledBack: false, Error: null);

        var descriptor = LoadInstalled(target);
        using var hypervisor = connector.Open(record.Uri);
        RequireDomain(hypervisor, record);
        // The domain type stays what the VM was deployed with (the host may list kvm where it does not work).
        var choice = HostProbe.Check(hypervisor, descriptor, new HostMatchOptions { VirtType = CapabilitiesSpelling.TryParseVirtType(record.VirtType) }).RequireFit();
        var wasRunning = hypervisor.GetState(name).State is not (DomainState.ShutOff or DomainState.Crashed);
        var previousXml = hypervisor.GetXml(name, inactive: true);

        progress?.Report($"{name}: stopping {record.ApplianceId}");
        await StopDomainAsync(hypervisor, name, force: false, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<InstanceDisk> disks;
        InstanceRecord updated;
        using (await store.LockAsync(cancellationToken).ConfigureAwait(false))
        {
            disks = await CreateDisksAsync(target, descriptor, choice, record.Folder,
                keepUserDisks: record.Disks.Where(disk => disk.Role == DiskRole.User).ToList(), cancellationToken).ConfigureAwait(false);
            updated = record with
            {
                Version = target.Version,
                Release = target.Release,
                PackageSha256 = target.PackageSha256,
                Disks = disks,
                Previous = new InstancePrevious(record.Version, record.Release, record.PackageSha256, record.Disks, previousXml),
            };
            hypervisor.Define(DomainXmlFor(descriptor, choice, updated));
            await index.SaveAsync(updated, cancellationToken).ConfigureAwait(false);
        }
        progress?.Report($"{name}: now on {updated.ApplianceId}");

        if (wasRunning)
        {
            try
            {
                await StartAndWaitAsync(hypervisor, updated, descriptor, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (HypervisorException failure)
            {
                progress?.Report($"{name}: {failure.Message}; rolling back to {record.ApplianceId}");
                await ReturnToAsync(index, hypervisor, updated, record, restart: true, cancellationToken).ConfigureAwait(false);
                DeleteUnused(record, disks);
                throw new UpdateRolledBackException($"{name}: the update to {updated.ApplianceId} failed and was rolled back to {record.ApplianceId}: {failure.Message}")
                {
                    Hint = $"the user data is as it was; read the new version's console log in {record.Folder} or ask the supplier",
                };
            }
        }
        // Keep the overlays of the version we came from (for rollback); older ones are no longer needed.
        DeleteUnused(updated, record.Previous?.Disks ?? []);
        return new UpdateResult(name, from, to, Changed: true, RolledBack: false, Error: null);
    }

    /// <summary>Updates every VM of an appliance, a few at a time; one failing does not stop the others.</summary>
    public async Task<IReadOnlyList<UpdateResult>> UpdateAllAsync(string appliance, string? version, int parallelism, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        IReadOnlyList<InstanceRecord> records;
        using (var index = await InstanceIndex.OpenAsync(store.Root, cancellationToken).ConfigureAwait(false))
            records = (await index.ListAsync(cancellationToken).ConfigureAwait(false)).Where(record => record.Appliance == appliance).ToList();
        if (records.Count == 0)
            throw new NotFoundException($"no VM runs appliance '{appliance}'") { Hint = "'virt-appliance vms' lists the VMs and their appliances" };
        var results = new UpdateResult[records.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, records.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken },
            async (position, token) =>
            {
                var record = records[position];
                try
                {
                    results[position] = await UpdateAsync(record.Name, version, progress, token).ConfigureAwait(false);
                }
                catch (VirtApplianceException error)
                {
                    results[position] = new UpdateResult(record.Name, $"{record.Version}-{record.Release}", version ?? "latest", Changed: false,
                        RolledBack: error is UpdateRolledBackException, error.Message);
                }
            }).ConfigureAwait(false);
        return results;
    }

    /// <summary>Returns a VM to the version it ran before its last update (and back again when run twice).</summary>
    public async Task<UpdateResult> RollbackAsync(string name, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        using var index = await InstanceIndex.OpenAsync(store.Root, cancellationToken).ConfigureAwait(false);
        var record = await index.FindAsync(name, cancellationToken).ConfigureAwait(false) ?? throw NoSuchInstance(name);
        var previous = record.Previous ?? throw new ConflictException($"{name} has not been updated, so there is nothing to roll back to")
        {
            Hint = "'virt-appliance update' first",
        };
        using var hypervisor = connector.Open(record.Uri);
        RequireDomain(hypervisor, record);
        var wasRunning = hypervisor.GetState(name).State is not (DomainState.ShutOff or DomainState.Crashed);
        var back = record with
        {
            Version = previous.Version,
            Release = previous.Release,
            PackageSha256 = previous.PackageSha256,
            Disks = previous.Disks,
            Previous = new InstancePrevious(record.Version, record.Release, record.PackageSha256, record.Disks, hypervisor.GetXml(name, inactive: true)),
        };
        progress?.Report($"{name}: returning from {record.ApplianceId} to {back.ApplianceId}");
        await ReturnToAsync(index, hypervisor, record, back, wasRunning, cancellationToken, previous.DomainXml).ConfigureAwait(false);
        return new UpdateResult(name, $"{record.Version}-{record.Release}", $"{back.Version}-{back.Release}", Changed: true, RolledBack: true, Error: null);
    }

    /// <summary>Stops the VM, redefines it as <paramref name="target"/> (its recorded definition), fresh scratch disks, restarts it.</summary>
    private async Task ReturnToAsync(InstanceIndex index, IHypervisor hypervisor, InstanceRecord current, InstanceRecord target, bool restart,
        CancellationToken cancellationToken, string? targetXml = null)
    {
        await StopDomainAsync(hypervisor, current.Name, force: true, cancellationToken).ConfigureAwait(false);
        hypervisor.Define(targetXml ?? current.Previous!.DomainXml);
        foreach (var scratch in target.Disks.Where(disk => disk.Role == DiskRole.Scratch && disk.Format == "qcow2"))
        {
            var size = (await ImageInspector.InspectAsync(scratch.Path, cancellationToken).ConfigureAwait(false)).VirtualSize;
            File.Delete(scratch.Path);
            await QemuImg.CreateAsync(scratch.Path, "qcow2", size, cancellationToken).ConfigureAwait(false);
        }
        await index.SaveAsync(target, cancellationToken).ConfigureAwait(false);
        if (!restart)
            return;
        var installed = (await store.FindAsync($"{target.Appliance}@{target.Version}-{target.Release}", cancellationToken).ConfigureAwait(false)).LastOrDefault();
        await StartAndWaitAsync(hypervisor, target, installed is null ? null : LoadInstalled(installed), progress: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes overlay files of <paramref name="candidates"/> that <paramref name="kept"/> (and its previous version) no longer use.</summary>
    private static void DeleteUnused(InstanceRecord kept, IEnumerable<InstanceDisk> candidates)
    {
        var inUse = kept.Disks.Concat(kept.Previous?.Disks ?? []).Select(disk => disk.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var disk in candidates.Where(disk => disk.Role == DiskRole.System && !inUse.Contains(disk.Path) && disk.Path.StartsWith(kept.Folder, StringComparison.Ordinal)))
            File.Delete(disk.Path);
    }
}
