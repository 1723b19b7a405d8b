using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.Configuration;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.DomainXml;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Deployment;

/// <summary>
/// deploy: resolve → host check → names free → ports → (under the store lock) for each VM: disks → record →
/// define → (lock released) start and wait healthy, a few VMs at a time. The index row is written before the
/// domain, under the lock, because it is the lease that keeps 'remove' from deleting the images the
/// overlays are made on. One deploy is one change: when any VM fails, every VM it made goes.
/// </summary>
internal static class DeployPlan
{
    public static async Task<IReadOnlyList<InstanceRecord>> RunAsync(DeploymentContext context, DeployRequest request, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        InstalledAppliance installed = null!;
        ApplianceDescriptor descriptor = null!;
        HostChoice choice = null!;
        IDisposable? storeLock = null;
        var records = new InstanceRecord?[names.Count];
        var network = InterfaceSource.Parse(request.Network);
        var asked = (request.Publish ?? []).Select(PortForward.Parse).ToList();
        if (asked.Count > 0 && names.Count > 1)
            throw new InvalidInputException("--publish names fixed host ports, which several VMs cannot share")
            {
                Hint = "deploy the VMs one by one with their own --publish, or let --count publish the appliance's declared ports on free loopback ports",
            };
        var forwards = new IReadOnlyList<PortForward>[names.Count];
        var plan = new Plan($"deploy {request.Name}", context.Settings.Hooks);

        SiteValues values = null!;
        KeptData? kept = null;
        var uuids = names.Select(_ => Guid.NewGuid()).ToList();
        plan.Add("resolve", async token =>
        {
            installed = await context.ResolveAsync(request.Appliance, token).ConfigureAwait(false);
            descriptor = DeploymentContext.Load(installed);
            if (request.ReuseKept is { } reference)
            {
                if (names.Count > 1)
                    throw new InvalidInputException("--reuse-kept gives one VM its data; it cannot go with --count") { Hint = "deploy that VM on its own" };
                kept = KeptData.Find(context.Store, reference);
                kept.RequireFits(descriptor);
            }
            // Every value checked before anything is made.
            values = await SiteConfig.ResolveAsync(descriptor, request.Set, request.ValuesFile,
                kept is null ? null : await kept.ValuesAsync(token).ConfigureAwait(false), token).ConfigureAwait(false);
        });
        plan.Add("host check", () => choice = HostProbe.Check(context.Hypervisor, descriptor, request.Match).RequireFit());
        plan.Add("names", async token =>
        {
            foreach (var name in names)
                await EnsureFreeAsync(context, name, token).ConfigureAwait(false);
        });
        plan.Add("ports", async token =>
        {
            var others = await context.Index.ListInstancesAsync(token).ConfigureAwait(false);
            var taken = new HashSet<int>();
            for (var slot = 0; slot < names.Count; slot++)
            {
                forwards[slot] = PortPlan.Plan(descriptor, network, asked, [], others, taken);
                taken.UnionWith(forwards[slot].Select(forward => forward.HostPort));
            }
        });
        plan.Add("lock", async token => storeLock = await context.Store.LockAsync(token).ConfigureAwait(false), () => storeLock?.Dispose());
        for (var position = 0; position < names.Count; position++)
        {
            var name = names[position];
            var slot = position;
            var folder = Path.Combine(context.Store.InstancesFolder, name);
            IReadOnlyList<InstanceDisk> disks = [];
            plan.Add($"{name}: disks", async token =>
            {
                if (!Directory.Exists(installed.Path))
                    throw new NotFoundException($"{installed.Id} was removed while deploying") { Hint = "install it again" };
                Directory.CreateDirectory(context.Store.InstancesFolder, InstanceDisks.PublicFolderMode);
                Directory.CreateDirectory(folder, InstanceDisks.PublicFolderMode);
                context.Report($"deploying {name} from {installed.Id}");
                var reused = kept is null ? null : await kept.MoveIntoAsync(folder, token).ConfigureAwait(false);
                disks = await InstanceDisks.CreateAsync(installed, descriptor, choice, folder, keepUserDisks: reused, token).ConfigureAwait(false);
                await SiteConfig.WriteAsync(descriptor, values, name, uuids[slot], 1, Path.Combine(folder, "config-1.iso"), [], token).ConfigureAwait(false);
            }, () =>
            {
                kept?.MoveBack(folder);
                if (Directory.Exists(folder))
                    Directory.Delete(folder, recursive: true);
            });
            plan.Add($"{name}: record", async token =>
            {
                records[slot] = new InstanceRecord(name, uuids[slot], installed.Name, installed.Version, installed.Release, installed.PackageSha256,
                    context.Hypervisor.Uri, folder, network.Spelling, choice.DomainType.ToXml(), disks, context.Settings.Time.GetUtcNow(), Previous: null)
                {
                    Forwards = forwards[slot],
                    SiteValues = SiteConfig.Recorded(values),
                    ConfigGeneration = 1,
                };
                await context.Index.SaveInstanceAsync(records[slot]!, token).ConfigureAwait(false);
            }, () => context.Index.DeleteInstanceAsync(name, CancellationToken.None));
            plan.Add($"{name}: define", () => context.Hypervisor.Define(InstanceDisks.DomainXml(descriptor, choice, records[slot]!)), () => context.Power.Remove(name));
        }
        plan.Add("unlock", () => storeLock?.Dispose());
        if (request.Start)
        {
            // Boots overlap (a few at a time: each QEMU wants a core), health checks run together.
            plan.Add("start and wait healthy", token => Parallel.ForEachAsync(records,
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, request.Parallel), CancellationToken = token },
                async (record, recordToken) =>
                {
                    context.Report($"starting {record!.Name}");
                    await context.Power.StartAsync(record, descriptor, context.Progress, recordToken).ConfigureAwait(false);
                }));
        }
        await plan.RunAsync(cancellationToken).ConfigureAwait(false);
        return [.. records.Select(record => record!)];
    }

    private static async Task EnsureFreeAsync(DeploymentContext context, string name, CancellationToken cancellationToken)
    {
        if (await context.Index.FindInstanceAsync(name, cancellationToken).ConfigureAwait(false) is not null || context.Hypervisor.FindDomain(name) is not null)
            throw new ConflictException($"a VM named '{name}' exists already") { Hint = "choose another --name, or undeploy the existing one" };
    }
}
