using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.Configuration;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.DomainXml;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Images;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Deployment;

/// <summary>
/// update: resolve → host check → stop → (under the store lock) disks → define → record → (lock
/// released) start → wait healthy → tidy. New overlays on the new version's pristine system disks,
/// fresh scratch disks, the same user disks. Any failure undoes back to the version the VM ran, in
/// the run state it had; a new version that does not become healthy is reported as rolled back.
/// </summary>
internal static class UpdatePlan
{
    /// <param name="version">VERSION or VERSION-RELEASE; null for the highest installed.</param>
    /// <param name="set">Site values for the new version (NAME=VALUE), over the VM's own.</param>
    public static async Task<UpdateResult> RunAsync(DeploymentContext context, InstanceRecord record, string? version, IReadOnlyList<string> set,
        CancellationToken cancellationToken)
    {
        var name = record.Name;
        var from = $"{record.Version}-{record.Release}";
        var target = await context.ResolveAsync(version is null ? record.Appliance : $"{record.Appliance}@{version}", cancellationToken).ConfigureAwait(false);
        var to = $"{target.Version}-{target.Release}";
        if (target.Version == record.Version && target.Release == record.Release)
            return new UpdateResult(name, from, to, Changed: false, RolledBack: false, Error: null);
        if (!context.Settings.AllowDowngrade && VersionOrder.Compare(target.Version, target.Release, record.Version, record.Release) < 0)
            throw new ConflictException($"{name} runs {record.Appliance} {from}, newer than {to}: update only moves a VM forward")
            {
                Hint = (record.Previous is { } previous ? $"'virt-appliance rollback {name}' returns it to the version it ran before ({previous.Version}-{previous.Release}); " : "")
                    + $"add --allow-downgrade to move it to {to} anyway (an older version may not read data a newer one wrote)",
            };

        var hypervisor = context.Hypervisor;
        ApplianceDescriptor descriptor = null!;
        HostChoice choice = null!;
        var wasRunning = false;
        string previousXml = null!;
        IDisposable? storeLock = null;
        IReadOnlyList<InstanceDisk> disks = [];
        IReadOnlyList<InstanceDisk>? trialDisks = null;
        InstanceRecord updated = record;
        var plan = new Plan($"update {name}", context.Settings.Hooks);

        plan.Add("resolve", () =>
        {
            RequireDomain(hypervisor, record);
            descriptor = DeploymentContext.Load(target);
        });
        // The domain type stays what the VM was deployed with (the host may list kvm where it does not work).
        IReadOnlyList<PortForward> forwards = [];
        SiteValues values = null!;
        var generation = record.ConfigGeneration + 1;
        plan.Add("host check", async token =>
        {
            choice = HostProbe.Check(hypervisor, descriptor,
                new HostMatchOptions { VirtType = CapabilitiesSpelling.TryParseVirtType(record.VirtType) }).RequireFit();
            // The forwards stay; ports the new version declares besides get free loopback ports.
            var others = (await context.Index.ListInstancesAsync(token).ConfigureAwait(false)).Where(other => other.Name != name);
            forwards = PortPlan.Plan(descriptor, InterfaceSource.Parse(record.Network), [], record.Forwards, others, new HashSet<int>());
            // Re-rendered with the new version's templates; a value it needs that nobody set stops here, before anything changed.
            values = await SiteConfig.CurrentAsync(record, descriptor, pending: false, token, SiteValueInput.ParseAssignments(set)).ConfigureAwait(false);
        });
        plan.Add("stop", async token =>
        {
            wasRunning = context.Power.IsRunning(name);
            previousXml = hypervisor.GetXml(name, inactive: true);
            context.Report($"{name}: stopping {record.ApplianceId}");
            await context.Power.StopAsync(name, force: false, token).ConfigureAwait(false);
        }, () => context.RestartIfItRanAsync(record, wasRunning));
        plan.Add("lock", async token => storeLock = await context.Store.LockAsync(token).ConfigureAwait(false), () => storeLock?.Dispose());
        plan.Add("disks", async token =>
        {
            disks = await InstanceDisks.CreateAsync(target, descriptor, choice, record.Folder,
                keepUserDisks: [.. record.Disks.Where(disk => disk.Role == DiskRole.User)], token).ConfigureAwait(false);
            await SiteConfig.WriteAsync(descriptor, values, name, record.Uuid, generation, record.ConfigDiskOf(generation),
                SiteConfig.PuppetOf(record, record.SitePuppet), token).ConfigureAwait(false);
            // The new version writes to a layer over each user disk until it is healthy: a version that fails leaves no write behind.
            if (wasRunning)
                trialDisks = await UserDataLayer.AddAsync(disks, token).ConfigureAwait(false);
        }, async () =>
        {
            UserDataLayer.Discard(trialDisks);
            File.Delete(record.ConfigDiskOf(generation));
            InstanceDisks.DeleteUnusedOverlays(record, disks.Concat(
                descriptor.Disks.Where(disk => disk.Role == DiskRole.System).Select(disk => new InstanceDisk(disk.Id, "", DiskRole.System, DiskFormat.Qcow2,
                    InstanceDisks.SystemOverlayPath(record.Folder, disk.Id, target)))));
            // The new version's scratch disks replaced the old ones at the same paths: the old version starts with empty ones too.
            await InstanceDisks.RecreateScratchAsync(record.Disks, CancellationToken.None).ConfigureAwait(false);
        });
        plan.Add("define", () =>
        {
            updated = record with
            {
                Version = target.Version,
                Release = target.Release,
                PackageSha256 = target.PackageSha256,
                Disks = disks,
                Previous = new InstancePrevious(record.Version, record.Release, record.PackageSha256, record.Disks, previousXml)
                {
                    ConfigGeneration = record.ConfigGeneration,
                    SiteValues = record.SiteValues,
                    SitePuppet = record.SitePuppet,
                },
                Forwards = forwards,
                SiteValues = SiteConfig.Recorded(values),
                ConfigGeneration = generation,
            };
            hypervisor.Define(InstanceDisks.DomainXml(descriptor, choice, updated with { Disks = trialDisks ?? disks }));
        }, () => hypervisor.Define(previousXml));
        plan.Add("record", token => context.Index.SaveInstanceAsync(updated, token), () => context.Index.SaveInstanceAsync(record, CancellationToken.None));
        plan.Add("unlock", () =>
        {
            storeLock?.Dispose();
            context.Report($"{name}: now on {updated.ApplianceId}");
        });
        plan.Add("start", () =>
        {
            if (wasRunning)
                context.Power.Start(updated);
        }, async () =>
        {
            await context.PowerOffAsync(name).ConfigureAwait(false);
            // The old version's boot starts a new console log; the failed version's is kept beside it.
            if (wasRunning && File.Exists(record.ConsoleLog))
                File.Move(record.ConsoleLog, FailedConsoleLog(record, target), overwrite: true);
        });
        plan.Add("wait healthy", async token =>
        {
            if (wasRunning)
                await context.Power.WaitHealthyAsync(updated, descriptor, context.Progress, token).ConfigureAwait(false);
        });
        plan.Add("keep user data", async token =>
        {
            if (trialDisks is null)
                return;
            await UserDataLayer.CommitAsync(hypervisor, name, trialDisks, token).ConfigureAwait(false);
            hypervisor.Define(InstanceDisks.DomainXml(descriptor, choice, updated));
            UserDataLayer.Discard(trialDisks);
        });
        // Keep the overlays of the version we came from (for rollback); older ones are no longer needed.
        plan.Add("tidy", () =>
        {
            InstanceDisks.DeleteUnusedOverlays(updated, record.Previous?.Disks ?? []);
            InstanceDisks.DeleteUnusedConfigDisks(updated);
            InstanceDisks.DeleteUnusedSiteModules(updated);
        });

        try
        {
            await plan.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HypervisorException failure) when (OperationFailure.FailedStep(failure) is { } step
            && (step == $"{plan.Operation}: start" || step == $"{plan.Operation}: wait healthy") && OperationFailure.FailedUndos(failure).Count == 0)
        {
            throw new UpdateRolledBackException($"{name}: the update to {updated.ApplianceId} failed and was rolled back to {record.ApplianceId}: {failure.Message}", failure)
            {
                Hint = $"the user data is as the old version left it (the new one wrote to a layer that was discarded); "
                    + $"the new version's console log is {FailedConsoleLog(record, target)}; ask the supplier",
            };
        }
        return new UpdateResult(name, from, to, Changed: true, RolledBack: false, Error: null);
    }

    /// <summary>
    /// rollback: stop → define the previous definition → fresh scratch disks → record → start → wait
    /// healthy. Returns a VM to the version it ran before its last update (and back again when run twice).
    /// </summary>
    public static async Task<UpdateResult> RollbackAsync(DeploymentContext context, InstanceRecord record, CancellationToken cancellationToken)
    {
        var name = record.Name;
        var previous = record.Previous ?? throw new ConflictException($"{name} has not been updated, so there is nothing to roll back to")
        {
            Hint = "'virt-appliance update' first",
        };
        var hypervisor = context.Hypervisor;
        RequireDomain(hypervisor, record);
        var wasRunning = context.Power.IsRunning(name);
        var currentXml = hypervisor.GetXml(name, inactive: true);
        var back = record with
        {
            Version = previous.Version,
            Release = previous.Release,
            PackageSha256 = previous.PackageSha256,
            Disks = previous.Disks,
            Previous = new InstancePrevious(record.Version, record.Release, record.PackageSha256, record.Disks, currentXml)
            {
                ConfigGeneration = record.ConfigGeneration,
                SiteValues = record.SiteValues,
                SitePuppet = record.SitePuppet,
            },
            ConfigGeneration = previous.ConfigGeneration,
            SiteValues = previous.SiteValues,
            SitePuppet = previous.SitePuppet,
        };
        context.Report($"{name}: returning from {record.ApplianceId} to {back.ApplianceId}");
        var plan = new Plan($"rollback {name}", context.Settings.Hooks);
        plan.Add("stop", token => context.Power.StopAsync(name, force: true, token), () => context.RestartIfItRanAsync(record, wasRunning));
        plan.Add("define", () => hypervisor.Define(previous.DomainXml), () => hypervisor.Define(currentXml));
        plan.Add("scratch", token => InstanceDisks.RecreateScratchAsync(back.Disks, token));
        plan.Add("record", token => context.Index.SaveInstanceAsync(back, token), () => context.Index.SaveInstanceAsync(record, CancellationToken.None));
        ApplianceDescriptor? backDescriptor = null;
        plan.Add("start", async token =>
        {
            if (!wasRunning)
                return;
            backDescriptor = await context.TryLoadAsync(back, token).ConfigureAwait(false);
            context.Power.Start(back);
        }, () => context.PowerOffAsync(name));
        plan.Add("wait healthy", async token =>
        {
            if (wasRunning)
                await context.Power.WaitHealthyAsync(back, backDescriptor, context.Progress, token).ConfigureAwait(false);
        });
        await plan.RunAsync(cancellationToken).ConfigureAwait(false);
        return new UpdateResult(name, $"{record.Version}-{record.Release}", $"{back.Version}-{back.Release}", Changed: true, RolledBack: true, Error: null);
    }

    private static string FailedConsoleLog(InstanceRecord record, InstalledAppliance target) =>
        Path.Combine(record.Folder, $"console-failed-{target.Version}-{target.Release}.log");

    public static void RequireDomain(IHypervisor hypervisor, InstanceRecord record)
    {
        if (hypervisor.FindDomain(record.Uuid) is null)
            throw new NotFoundException($"the libvirt domain of {record.Name} is gone (removed outside virt-appliance)")
            {
                Hint = $"'virt-appliance undeploy {record.Name}' forgets it and keeps its user disks; 'virt-appliance vms --repair' re-adopts VMs whose index rows were lost",
            };
    }
}
