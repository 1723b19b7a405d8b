using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Deployment;

/// <summary>undeploy: stop → undefine → keep user disks → forget → delete the VM's folder. Nothing to undo: each step brings the VM nearer to gone.</summary>
internal static class UndeployPlan
{
    /// <returns>What was kept (moved to ROOT/kept/VM-TIME/); nothing with <paramref name="deleteData"/>.</returns>
    public static async Task<UndeployResult> RunAsync(DeploymentContext context, InstanceRecord record, bool deleteData, CancellationToken cancellationToken)
    {
        var name = record.Name;
        var kept = new List<string>();
        string? keptConfig = null;
        var plan = new Plan($"undeploy {name}", context.Settings.Hooks);
        var hasDomain = false;
        plan.Add("stop", async token =>
        {
            hasDomain = context.Hypervisor.FindDomain(record.Uuid) is not null;
            if (hasDomain)
                await context.Power.StopAsync(name, force: false, token).ConfigureAwait(false);
        });
        plan.Add("undefine", () =>
        {
            if (hasDomain)
                context.Hypervisor.Undefine(name);
        });
        plan.Add("keep user disks", () =>
        {
            var userDisks = record.Disks.Concat(record.Previous?.Disks ?? []).Where(disk => disk.Role == DiskRole.User)
                .Select(disk => disk.Path).Distinct(StringComparer.Ordinal).Where(File.Exists).ToList();
            // The site's values go with its data: the config disk it ran (passwords included) beside the user disks.
            var configDisk = record.ConfigDisk is { } ran && File.Exists(ran) ? ran : null;
            if (deleteData || (userDisks.Count == 0 && configDisk is null))
                return;
            var keptFolder = Path.Combine(context.Store.KeptFolder, $"{name}-{context.Settings.Time.GetUtcNow():yyyyMMddHHmmss}");
            Directory.CreateDirectory(keptFolder);
            foreach (var disk in userDisks)
            {
                var target = Path.Combine(keptFolder, Path.GetFileName(disk));
                File.Move(disk, target);
                kept.Add(target);
            }
            if (configDisk is not null)
            {
                keptConfig = Path.Combine(keptFolder, Path.GetFileName(configDisk));
                File.Move(configDisk, keptConfig);
            }
        });
        plan.Add("forget", token => context.Index.DeleteInstanceAsync(name, token));
        plan.Add("delete folder", () =>
        {
            if (Directory.Exists(record.Folder))
                Directory.Delete(record.Folder, recursive: true);
        });
        await plan.RunAsync(cancellationToken).ConfigureAwait(false);
        return new UndeployResult(name, kept, keptConfig);
    }
}
