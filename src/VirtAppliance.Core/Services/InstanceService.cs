using System.Runtime.CompilerServices;
using System.Threading.Channels;
using VirtAppliance.Core.Configuration;
using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.DomainXml;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Monitoring;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Services;

/// <summary>
/// The run-stage actions (deploy, vms, start, stop, undeploy, update, rollback), one method each,
/// shared by every face (today the CLI). Each opens what it needs and hands the work to the deployment engine.
/// </summary>
public sealed class InstanceService(ApplianceStore store, IHypervisorConnector connector, DeploymentSettings settings, ApplianceMetrics? metrics = null)
{
    private readonly ApplianceMetrics metrics = metrics ?? new ApplianceMetrics();

    private async Task<IReadOnlyList<InstanceStatus>> DeployCoreAsync(DeployRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Count < 1)
            throw new InvalidInputException($"--count {request.Count}: deploy at least one VM");
        VmName.Check(request.Name);
        var names = request.Count == 1 ? [request.Name] : Enumerable.Range(1, request.Count).Select(index => $"{request.Name}-{index}").ToList();
        // Every name a --count makes must pass too, before anything is created.
        foreach (var name in names)
            VmName.Check(name);
        // Held until the VMs are up: a second deploy of a name (or any command on it) is refused, not interleaved.
        using var locks = LockVms(names);
        using var index = await store.OpenIndexAsync(cancellationToken).ConfigureAwait(false);
        using var hypervisor = connector.Open(request.Uri);
        var context = new DeploymentContext(store, index, hypervisor, settings, progress);
        var records = await DeployPlan.RunAsync(context, request, names, cancellationToken).ConfigureAwait(false);
        return await StatusesAsync(hypervisor, records, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// gc: what interrupted commands left in the store (<see cref="ApplianceStore.CollectGarbageAsync"/>), then the
    /// instance folders no VM owns: no index row, and no domain of that name at <paramref name="uri"/> or at any URI the
    /// store's VMs use (an undeploy killed between forgetting the VM and deleting its folder leaves one). A folder with a
    /// domain is kept for 'vms --repair'; a VM another command holds is skipped.
    /// </summary>
    /// <exception cref="HypervisorException">An orphan candidate exists and libvirt cannot be asked about it.</exception>
    public async Task<GarbageCollected> CollectGarbageAsync(string uri, CancellationToken cancellationToken)
    {
        var storeLeftovers = await store.CollectGarbageAsync(cancellationToken).ConfigureAwait(false);
        if (!Directory.Exists(store.InstancesFolder))
            return new GarbageCollected(storeLeftovers, []);
        // Deploy creates a folder, its row and its domain under the store lock: under it, a folder without a row is not one in the making.
        using var storeLock = await store.LockAsync(cancellationToken).ConfigureAwait(false);
        using var index = await store.OpenIndexAsync(cancellationToken).ConfigureAwait(false);
        var records = await index.ListInstancesAsync(cancellationToken).ConfigureAwait(false);
        var owned = records.Select(record => record.Name).ToHashSet(StringComparer.Ordinal);
        var candidates = Directory.EnumerateDirectories(store.InstancesFolder)
            .Where(folder => !owned.Contains(Path.GetFileName(folder)) && !Path.GetFileName(folder).StartsWith('.'))
            .Order(StringComparer.Ordinal).ToList();
        if (candidates.Count == 0)
            return new GarbageCollected(storeLeftovers, []);
        var hypervisors = new List<IHypervisor>();
        var removed = new List<string>();
        try
        {
            foreach (var each in records.Select(record => record.Uri).Append(uri).Distinct(StringComparer.Ordinal))
                hypervisors.Add(connector.Open(each, readOnly: true));
            foreach (var folder in candidates)
            {
                var name = Path.GetFileName(folder);
                if (hypervisors.Any(hypervisor => hypervisor.FindDomain(name) is not null))
                    continue;
                IDisposable vmLock;
                try
                {
                    vmLock = store.LockVm(name);
                }
                catch (ConflictException)
                {
                    continue;
                }

                using (vmLock)
                {
                    Directory.Delete(folder, recursive: true);
                    removed.Add(folder);
                }
            }
        }
        finally
        {
            foreach (var hypervisor in hypervisors)
                hypervisor.Dispose();
        }

        return new GarbageCollected(storeLeftovers, removed);
    }

    /// <summary>
    /// Every instance with its live state: the index's rows, and the domains at <paramref name="uri"/>
    /// that carry our metadata without a row. With <paramref name="repair"/>, those are adopted into the index.
    /// </summary>
    public async Task<InventoryResult> ListAsync(string uri, bool repair, CancellationToken cancellationToken)
    {
        using var index = await store.OpenIndexAsync(cancellationToken).ConfigureAwait(false);
        var records = await index.ListInstancesAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<InstanceStatus>();
        foreach (var group in records.GroupBy(record => record.Uri))
        {
            using var hypervisor = connector.Open(group.Key, readOnly: true);
            foreach (var record in group)
            {
                var domain = hypervisor.FindDomain(record.Uuid);
                result.Add(await Inventory.StatusAsync(record, domain?.Status.State, domain is null, unindexed: false, cancellationToken).ConfigureAwait(false));
            }
        }

        var problems = new List<string>();
        using (var scanned = connector.Open(uri, readOnly: !repair))
        {
            var known = records.Select(record => record.Uuid).ToHashSet();
            foreach (var (record, name, problem) in await Inventory.UnindexedAsync(scanned, store, known, settings.Time, cancellationToken).ConfigureAwait(false))
            {
                if (record is null)
                {
                    problems.Add($"{name} carries virt-appliance metadata but cannot be adopted: {problem}");
                    continue;
                }
                if (repair)
                {
                    if (await index.FindInstanceAsync(record.Name, cancellationToken).ConfigureAwait(false) is not null)
                    {
                        problems.Add($"{name} cannot be adopted: the index has another VM of that name");
                        continue;
                    }
                    await index.SaveInstanceAsync(record, cancellationToken).ConfigureAwait(false);
                }
                var state = scanned.FindDomain(record.Uuid)?.Status.State;
                result.Add(await Inventory.StatusAsync(record, state, domainMissing: false, unindexed: !repair, cancellationToken).ConfigureAwait(false));
            }
        }
        return new InventoryResult([.. result.OrderBy(status => status.Record.Name, StringComparer.Ordinal)], problems);
    }

    private async Task<InstanceStatus> StartCoreAsync(string name, bool waitForHealth, IProgress<string>? progress, VmOptions? options, CancellationToken cancellationToken)
    {
        using var vmLock = store.LockVm(name);
        using var index = await store.OpenIndexAsync(cancellationToken).ConfigureAwait(false);
        var record = await FindAsync(index, name, options, cancellationToken).ConfigureAwait(false);
        using var hypervisor = connector.Open(record.Uri);
        var context = new DeploymentContext(store, index, hypervisor, settings.With(options), progress);
        UpdatePlan.RequireDomain(hypervisor, record);
        if (context.Power.IsRunning(name))
            throw new ConflictException($"{name} is already running");
        var descriptor = waitForHealth ? DeploymentContext.Load(await context.ResolveAsync(record.ApplianceId, cancellationToken).ConfigureAwait(false)) : null;
        await context.Power.StartAsync(record, descriptor, progress, cancellationToken).ConfigureAwait(false);
        return await StatusAsync(hypervisor, record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks the guest to power off; pulls the plug after the stop timeout, or at once with <see cref="VmOptions.Force"/>.</summary>
    private async Task<InstanceStatus> StopCoreAsync(string name, IProgress<string>? progress, VmOptions? options, CancellationToken cancellationToken)
    {
        using var vmLock = store.LockVm(name);
        using var index = await store.OpenIndexAsync(cancellationToken).ConfigureAwait(false);
        var record = await FindAsync(index, name, options, cancellationToken).ConfigureAwait(false);
        using var hypervisor = connector.Open(record.Uri);
        UpdatePlan.RequireDomain(hypervisor, record);
        await new Power(hypervisor, settings.With(options), progress).StopAsync(name, force: false, cancellationToken).ConfigureAwait(false);
        return await StatusAsync(hypervisor, record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes the VM: its domain, overlays and scratch disks; user disks too only with <paramref name="deleteData"/>.</summary>
    /// <returns>The user disks and the config disk kept (moved to ROOT/kept/VM-…); nothing when deleted.</returns>
    private async Task<UndeployResult> UndeployCoreAsync(string name, bool deleteData, IProgress<string>? progress, VmOptions? options, CancellationToken cancellationToken)
    {
        using var vmLock = store.LockVm(name);
        using var index = await store.OpenIndexAsync(cancellationToken).ConfigureAwait(false);
        var record = await FindAsync(index, name, options, cancellationToken).ConfigureAwait(false);
        using var hypervisor = connector.Open(record.Uri);
        return await UndeployPlan.RunAsync(new DeploymentContext(store, index, hypervisor, settings.With(options), progress), record, deleteData, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves a VM to another installed version, keeping its user disks; returns to the old version when the new one fails.</summary>
    /// <param name="version">VERSION or VERSION-RELEASE; null for the highest installed.</param>
    /// <param name="set">Site values for the new version (NAME=VALUE), e.g. one it requires that the old one did not have.</param>
    private async Task<UpdateResult> UpdateCoreAsync(string name, string? version, IReadOnlyList<string>? set, IProgress<string>? progress, VmOptions? options,
        CancellationToken cancellationToken)
    {
        using var vmLock = store.LockVm(name);
        using var index = await store.OpenIndexAsync(cancellationToken).ConfigureAwait(false);
        var record = await FindAsync(index, name, options, cancellationToken).ConfigureAwait(false);
        using var hypervisor = connector.Open(record.Uri);
        return await UpdatePlan.RunAsync(new DeploymentContext(store, index, hypervisor, settings.With(options), progress), record, version, set ?? [], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Updates every VM of an appliance, a few at a time; one failing does not stop the others.</summary>
    public async Task<IReadOnlyList<UpdateResult>> UpdateAllAsync(string appliance, string? version, IReadOnlyList<string>? set, int parallelism, IProgress<string>? progress,
        VmOptions? options, CancellationToken cancellationToken)
    {
        IReadOnlyList<InstanceRecord> records;
        using (var index = await store.OpenIndexAsync(cancellationToken).ConfigureAwait(false))
            records = [.. (await index.ListInstancesAsync(cancellationToken).ConfigureAwait(false))
                .Where(record => record.Appliance == appliance && (options?.Uri is null || record.Uri == options.Uri))];
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
                    results[position] = await UpdateAsync(record.Name, version, set, progress, options, token).ConfigureAwait(false);
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
    private async Task<UpdateResult> RollbackCoreAsync(string name, IProgress<string>? progress, VmOptions? options, CancellationToken cancellationToken)
    {
        using var vmLock = store.LockVm(name);
        using var index = await store.OpenIndexAsync(cancellationToken).ConfigureAwait(false);
        var record = await FindAsync(index, name, options, cancellationToken).ConfigureAwait(false);
        using var hypervisor = connector.Open(record.Uri);
        return await UpdatePlan.RollbackAsync(new DeploymentContext(store, index, hypervisor, settings.With(options), progress), record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes a disk of a VM bigger (a user disk; others with <paramref name="force"/>), online when it runs, never smaller.
    /// The file system grows too where the host or the guest agent can do it; the result says which.
    /// </summary>
    /// <param name="disk">The appliance's disk id ("data") or the VM's target ("vdb").</param>
    /// <param name="size">An absolute size ("20G") or what to add ("+5G"), see <see cref="DiskSizeRequest.Parse"/>.</param>
    /// <remarks>Counted and timed in <see cref="ApplianceMetrics"/> as "grow".</remarks>
    public Task<GrowResult> GrowAsync(string name, string disk, string size, bool force, IProgress<string>? progress, VmOptions? options,
        CancellationToken cancellationToken) =>
        metrics.MeasureAsync("grow", () => GrowCoreAsync(name, disk, size, force, progress, options, cancellationToken));

    private async Task<GrowResult> GrowCoreAsync(string name, string disk, string size, bool force, IProgress<string>? progress, VmOptions? options,
        CancellationToken cancellationToken)
    {
        var request = DiskSizeRequest.Parse(size);
        using var vmLock = store.LockVm(name);
        using var index = await store.OpenIndexAsync(cancellationToken).ConfigureAwait(false);
        var record = await FindAsync(index, name, options, cancellationToken).ConfigureAwait(false);
        using var hypervisor = connector.Open(record.Uri);
        var context = new DeploymentContext(store, index, hypervisor, settings.With(options), progress);
        var agent = (await context.TryLoadAsync(record, cancellationToken).ConfigureAwait(false))?.Devices.GuestAgent == true;
        return await GrowPlan.RunAsync(context, record, disk, request, force,
            agent ? (grown, token) => GuestFileSystemGrowth.TryGrowAsync(hypervisor, record.Name, grown.Target, token) : null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The required parameters of the appliance a deploy would use that have no default and no value in
    /// <paramref name="request"/>: what a face asks the user for before it deploys.
    /// </summary>
    public async Task<IReadOnlyList<SiteParameter>> MissingValuesAsync(DeployRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var installed = (await store.FindAsync(request.Appliance, cancellationToken).ConfigureAwait(false)).LastOrDefault();
        // Kept data brings its own values.
        if (installed is null || request.ReuseKept is not null)
            return [];
        var descriptor = DeploymentContext.Load(installed);
        var given = SiteValueInput.ParseAssignments(request.Set ?? []).Keys.ToHashSet(StringComparer.Ordinal);
        if (request.ValuesFile is { } file && File.Exists(file))
            given.UnionWith((await SiteValueInput.ReadFileAsync(file, cancellationToken).ConfigureAwait(false)).Keys);
        return [.. descriptor.Parameters.Where(parameter => parameter.Required && parameter.Default is null && !given.Contains(parameter.Name))];
    }

    /// <summary>The site values a VM runs with (passwords masked), the appliance's defaults, and what waits to be applied.</summary>
    public async Task<ConfigView> ConfigShowAsync(string name, CancellationToken cancellationToken)
    {
        using var index = await store.OpenIndexAsync(cancellationToken).ConfigureAwait(false);
        var record = await FindAsync(index, name, cancellationToken).ConfigureAwait(false);
        using var hypervisor = connector.Open(record.Uri, readOnly: true);
        return await ConfigPlan.ShowAsync(new DeploymentContext(store, index, hypervisor, settings, null), record, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets (NAME=VALUE) and unsets (back to the default) site values of a VM; they wait for <see cref="ConfigApplyAsync"/>.</summary>
    public async Task<ConfigView> ConfigSetAsync(string name, IReadOnlyList<string> set, IReadOnlyList<string> unset, CancellationToken cancellationToken)
    {
        using var vmLock = store.LockVm(name);
        using var index = await store.OpenIndexAsync(cancellationToken).ConfigureAwait(false);
        var record = await FindAsync(index, name, cancellationToken).ConfigureAwait(false);
        using var hypervisor = connector.Open(record.Uri, readOnly: true);
        return await ConfigPlan.StageAsync(new DeploymentContext(store, index, hypervisor, settings, null), record, set, unset, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Gives the VM its pending configuration; with <paramref name="restart"/> a running VM is restarted and must become healthy, else it goes back.</summary>
    private async Task<ConfigView> ConfigApplyCoreAsync(string name, bool restart, IProgress<string>? progress, VmOptions? options, CancellationToken cancellationToken)
    {
        using var vmLock = store.LockVm(name);
        using var index = await store.OpenIndexAsync(cancellationToken).ConfigureAwait(false);
        var record = await FindAsync(index, name, options, cancellationToken).ConfigureAwait(false);
        using var hypervisor = connector.Open(record.Uri);
        return await ConfigPlan.ApplyAsync(new DeploymentContext(store, index, hypervisor, settings.With(options), progress), record, restart, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds a site's Puppet module (the folder; its name is the module's) to a VM, or replaces the module of that name: checked first
    /// (manifests parsed by Puppet, the classes defined, no name of the appliance's own modules), copied into the VM's folder,
    /// written to the pending config disk. It waits for <see cref="ConfigApplyAsync"/>.
    /// </summary>
    /// <param name="classes">The classes the VM's node includes; none for the module's own class (its name).</param>
    public async Task<ConfigView> ConfigPuppetAddAsync(string name, string moduleFolder, IReadOnlyList<string> classes, SiteModuleKind kind, CancellationToken cancellationToken)
    {
        using var vmLock = store.LockVm(name);
        using var index = await store.OpenIndexAsync(cancellationToken).ConfigureAwait(false);
        var record = await FindAsync(index, name, cancellationToken).ConfigureAwait(false);
        using var hypervisor = connector.Open(record.Uri, readOnly: true);
        return await SitePuppetPlan.AddAsync(new DeploymentContext(store, index, hypervisor, settings, null), record, moduleFolder, classes, kind, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Removes a site's Puppet module from a VM; it waits for <see cref="ConfigApplyAsync"/>.</summary>
    public async Task<ConfigView> ConfigPuppetRemoveAsync(string name, string module, CancellationToken cancellationToken)
    {
        using var vmLock = store.LockVm(name);
        using var index = await store.OpenIndexAsync(cancellationToken).ConfigureAwait(false);
        var record = await FindAsync(index, name, cancellationToken).ConfigureAwait(false);
        using var hypervisor = connector.Open(record.Uri, readOnly: true);
        return await SitePuppetPlan.RemoveAsync(new DeploymentContext(store, index, hypervisor, settings, null), record, module, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The lifecycle events (started, stopped, defined, undefined …) of the VMs of this store on <paramref name="uri"/>, as libvirt
    /// reports them, until <paramref name="cancellationToken"/> ends the stream: what a face's live view follows. Events of domains
    /// the index does not know are left out; when a face falls behind by more than a few hundred events, the oldest are dropped.
    /// </summary>
    public async IAsyncEnumerable<DomainLifecycleEvent> LifecycleEventsAsync(string uri, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = Channel.CreateBounded<DomainLifecycleEvent>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        using var hypervisor = connector.Open(uri, readOnly: true);
        using var subscription = hypervisor.SubscribeLifecycle(lifecycleEvent => events.Writer.TryWrite(lifecycleEvent));
        // A VM undeployed has lost its index row by the time its domain is undefined: remember the ones seen.
        var ours = new HashSet<Guid>();
        await foreach (var lifecycleEvent in events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!ours.Contains(lifecycleEvent.DomainUuid))
            {
                using var index = await store.OpenIndexAsync(cancellationToken).ConfigureAwait(false);
                if ((await index.ListInstancesAsync(cancellationToken).ConfigureAwait(false)).All(record => record.Uuid != lifecycleEvent.DomainUuid))
                    continue;
                ours.Add(lifecycleEvent.DomainUuid);
            }
            yield return lifecycleEvent;
        }
    }

    /// <summary>Every name's lock, or none: a conflict on one releases those already taken.</summary>
    private CompositeLock LockVms(IReadOnlyList<string> names)
    {
        var taken = new CompositeLock();
        try
        {
            foreach (var name in names)
                taken.Add(store.LockVm(name));
            return taken;
        }
        catch
        {
            taken.Dispose();
            throw;
        }
    }

    private sealed class CompositeLock : IDisposable
    {
        private readonly List<IDisposable> locks = [];

        public void Add(IDisposable held) => locks.Add(held);

        public void Dispose()
        {
            foreach (var held in locks)
                held.Dispose();
        }
    }

    /// <summary>Counted and timed in <see cref="ApplianceMetrics"/> as "deploy".</summary>
    public Task<IReadOnlyList<InstanceStatus>> DeployAsync(DeployRequest request, IProgress<string>? progress, CancellationToken cancellationToken) =>
        metrics.MeasureAsync("deploy", () => DeployCoreAsync(request, progress, cancellationToken));

    /// <summary>Counted and timed in <see cref="ApplianceMetrics"/> as "start".</summary>
    public Task<InstanceStatus> StartAsync(string name, bool waitForHealth, IProgress<string>? progress, VmOptions? options, CancellationToken cancellationToken) =>
        metrics.MeasureAsync("start", () => StartCoreAsync(name, waitForHealth, progress, options, cancellationToken));

    /// <summary>Counted and timed in <see cref="ApplianceMetrics"/> as "stop".</summary>
    public Task<InstanceStatus> StopAsync(string name, IProgress<string>? progress, VmOptions? options, CancellationToken cancellationToken) =>
        metrics.MeasureAsync("stop", () => StopCoreAsync(name, progress, options, cancellationToken));

    /// <summary>Counted and timed in <see cref="ApplianceMetrics"/> as "undeploy".</summary>
    public Task<UndeployResult> UndeployAsync(string name, bool deleteData, IProgress<string>? progress, VmOptions? options, CancellationToken cancellationToken) =>
        metrics.MeasureAsync("undeploy", () => UndeployCoreAsync(name, deleteData, progress, options, cancellationToken));

    /// <summary>Counted and timed in <see cref="ApplianceMetrics"/> as "rollback".</summary>
    public Task<UpdateResult> RollbackAsync(string name, IProgress<string>? progress, VmOptions? options, CancellationToken cancellationToken) =>
        metrics.MeasureAsync("rollback", () => RollbackCoreAsync(name, progress, options, cancellationToken));

    /// <summary>Counted and timed in <see cref="ApplianceMetrics"/> as "config_apply".</summary>
    public Task<ConfigView> ConfigApplyAsync(string name, bool restart, IProgress<string>? progress, VmOptions? options, CancellationToken cancellationToken) =>
        metrics.MeasureAsync("config_apply", () => ConfigApplyCoreAsync(name, restart, progress, options, cancellationToken));

    /// <summary>Moves a VM to another installed version, keeping its user disks; returns to the old version when the new one fails. Counted as "update".</summary>
    /// <param name="version">VERSION or VERSION-RELEASE; null for the highest installed.</param>
    /// <param name="set">Site values for the new version (NAME=VALUE), e.g. one it requires that the old one did not have.</param>
    public Task<UpdateResult> UpdateAsync(string name, string? version, IReadOnlyList<string>? set, IProgress<string>? progress, VmOptions? options,
        CancellationToken cancellationToken) =>
        metrics.MeasureAsync("update", () => UpdateCoreAsync(name, version, set, progress, options, cancellationToken));

    /// <summary>
    /// Sets a disk's warning and critical levels for this VM (percent used), or with <paramref name="reset"/> returns it to the
    /// appliance's levels. Takes effect at once (the next status and watch pass); kept across update and rollback.
    /// </summary>
    /// <param name="disk">The disk's id (as the appliance names it) or its target (vdb).</param>
    /// <exception cref="InvalidInputException">No such disk, or levels out of order (exit 3).</exception>
    public async Task<VmStatus> ConfigThresholdAsync(string name, string disk, int? warning, int? critical, bool reset, CancellationToken cancellationToken)
    {
        using var vmLock = store.LockVm(name);
        using var index = await store.OpenIndexAsync(cancellationToken).ConfigureAwait(false);
        InstanceRecord record;
        using (await store.LockAsync(cancellationToken).ConfigureAwait(false))
        {
            record = await FindAsync(index, name, cancellationToken).ConfigureAwait(false);
            var target = record.Disks.FirstOrDefault(candidate => candidate.DiskId == disk || candidate.Target == disk)
                ?? throw new InvalidInputException($"{name} has no disk '{disk}'")
                {
                    Hint = (Internal.Spelling.Suggest(disk, record.Disks.Select(candidate => candidate.DiskId)) is { } close ? $"did you mean '{close}'? " : "")
                        + $"its disks: {string.Join(", ", record.Disks.Select(candidate => $"{candidate.DiskId} ({candidate.Target})"))}",
                };
            var thresholds = new Dictionary<string, DiskThreshold>(record.Thresholds, StringComparer.Ordinal);
            if (reset)
                thresholds.Remove(target.DiskId);
            else
            {
                if (warning is null && critical is null)
                    throw new InvalidInputException("give --warning PERCENT, --critical PERCENT or both, or --reset");
                var current = record.Thresholds.GetValueOrDefault(target.DiskId)
                    ?? (await StatusCollector.ReadAsync(store, index, connector, [record], settings.Time, cancellationToken).ConfigureAwait(false))[0]
                        .Disks.First(status => status.Id == target.DiskId).Threshold;
                var changed = new DiskThreshold(warning ?? current.Warning, critical ?? current.Critical);
                if (DiskThreshold.Problem(changed.Warning, changed.Critical) is { } problem)
                    throw new InvalidInputException($"{name} {target.DiskId}: {problem}") { Hint = "e.g. --warning 80 --critical 90" };
                thresholds[target.DiskId] = changed;
            }
            record = record with { Thresholds = thresholds };
            await index.SaveInstanceAsync(record, cancellationToken).ConfigureAwait(false);
        }
        return (await StatusCollector.ReadAsync(store, index, connector, [record], settings.Time, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>
    /// One VM's state, uptime, health (its check evaluated once), CPU, memory, and each disk's sizes, file systems (where
    /// the guest agent reports them) and level against its thresholds. Reads only: alerts fire and notify in the watch pass.
    /// </summary>
    /// <exception cref="NotFoundException">No VM of that name (exit 7).</exception>
    public async Task<VmStatus> StatusAsync(string name, CancellationToken cancellationToken)
    {
        using var index = await store.OpenIndexAsync(cancellationToken).ConfigureAwait(false);
        var record = await StatusCollector.FindAsync(index, name, cancellationToken).ConfigureAwait(false);
        return (await StatusCollector.ReadAsync(store, index, connector, [record], settings.Time, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>The status of every VM in the index, by name (see <see cref="StatusAsync(string, CancellationToken)"/>).</summary>
    public async Task<IReadOnlyList<VmStatus>> StatusAllAsync(CancellationToken cancellationToken)
    {
        using var index = await store.OpenIndexAsync(cancellationToken).ConfigureAwait(false);
        var records = await index.ListInstancesAsync(cancellationToken).ConfigureAwait(false);
        return await StatusCollector.ReadAsync(store, index, connector, records, settings.Time, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<InstanceRecord> FindAsync(StoreIndex index, string name, CancellationToken cancellationToken) =>
        await FindAsync(index, name, null, cancellationToken).ConfigureAwait(false);

    /// <exception cref="InvalidInputException">--connect names another libvirt than the one the VM was deployed on.</exception>
    private static async Task<InstanceRecord> FindAsync(StoreIndex index, string name, VmOptions? options, CancellationToken cancellationToken)
    {
        var record = await index.FindInstanceAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"no VM named '{name}' was deployed by virt-appliance") { Hint = "'virt-appliance vms' lists them" };
        if (options?.Uri is { } uri && uri != record.Uri)
            throw new InvalidInputException($"{name} was deployed on {record.Uri}, not on {uri}")
            {
                Hint = $"leave --connect out (a VM is always reached where it was deployed), or give --connect {record.Uri}",
            };
        return record;
    }

    private static async Task<InstanceStatus> StatusAsync(IHypervisor hypervisor, InstanceRecord record, CancellationToken cancellationToken)
    {
        var domain = hypervisor.FindDomain(record.Uuid);
        return await Inventory.StatusAsync(record, domain?.Status.State, domain is null, unindexed: false, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<InstanceStatus>> StatusesAsync(IHypervisor hypervisor, IReadOnlyList<InstanceRecord> records, CancellationToken cancellationToken)
    {
        var statuses = new List<InstanceStatus>();
        foreach (var record in records)
            statuses.Add(await StatusAsync(hypervisor, record, cancellationToken).ConfigureAwait(false));
        return statuses;
    }
}
