using VirtAppliance.Core.Configuration;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Recipes;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Deployment;

/// <summary>
/// 'config VM puppet add/remove': the site's Puppet modules, kept in the VM's folder (never in the
/// appliance). A module is checked before anything changes; then copy → pending config disk →
/// record, each with its undo. Like 'config set', the change waits for 'config apply'.
/// </summary>
internal static class SitePuppetPlan
{
    /// <summary>Adds the module in <paramref name="folder"/> (or replaces the one of that name, keeping its place) to what is pending.</summary>
    /// <exception cref="SitePuppetInvalidException">The module cannot be used (every problem, located).</exception>
    public static async Task<ConfigView> AddAsync(DeploymentContext context, InstanceRecord record, string folder, IReadOnlyList<string> classes, SiteModuleKind kind,
        CancellationToken cancellationToken)
    {
        var descriptor = await ConfigPlan.DescriptorOfAsync(context, record, cancellationToken).ConfigureAwait(false);
        var module = await SitePuppet.InspectAsync(folder, classes, kind, RecipeBuilder.PuppetModulesOf(descriptor), cancellationToken).ConfigureAwait(false);
        var current = record.PendingSitePuppet ?? record.SitePuppet;
        IReadOnlyList<SiteModule> next = current.Any(other => other.Name == module.Name)
            ? [.. current.Select(other => other.Name == module.Name ? module : other)]
            : [.. current, module];
        return await StageAsync(context, record, descriptor, next, $"config puppet add {record.Name}", (module, Path.GetFullPath(folder)), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Removes the module called <paramref name="name"/> from what is pending.</summary>
    /// <exception cref="NotFoundException">The VM has no site module of that name.</exception>
    public static async Task<ConfigView> RemoveAsync(DeploymentContext context, InstanceRecord record, string name, CancellationToken cancellationToken)
    {
        var current = record.PendingSitePuppet ?? record.SitePuppet;
        if (current.All(module => module.Name != name))
            throw new NotFoundException($"{record.Name} has no site Puppet module '{name}'")
            {
                Hint = current.Count == 0 ? $"add one: virt-appliance config {record.Name} puppet add DIR"
                    : $"it has {string.Join(", ", current.Select(module => module.Name))}" + (Internal.Spelling.Suggest(name, current.Select(module => module.Name)) is { } close ? $" (did you mean '{close}'?)" : ""),
            };
        var descriptor = await ConfigPlan.DescriptorOfAsync(context, record, cancellationToken).ConfigureAwait(false);
        return await StageAsync(context, record, descriptor, [.. current.Where(module => module.Name != name)], $"config puppet remove {record.Name}", null, cancellationToken)
            .ConfigureAwait(false);
    }

    private static async Task<ConfigView> StageAsync(DeploymentContext context, InstanceRecord record, ApplianceDescriptor descriptor, IReadOnlyList<SiteModule> next,
        string operation, (SiteModule Module, string Folder)? added, CancellationToken cancellationToken)
    {
        var running = await SiteConfig.CurrentAsync(record, descriptor, pending: false, cancellationToken).ConfigureAwait(false);
        var values = record.PendingValues is null ? running : await SiteConfig.CurrentAsync(record, descriptor, pending: true, cancellationToken).ConfigureAwait(false);
        var staged = record with { PendingValues = record.PendingValues ?? record.SiteValues, PendingSitePuppet = next };
        var pendingDisk = record.PendingConfigDisk;
        var backup = pendingDisk + ".previous";
        File.Delete(backup);
        var copied = false;
        bool? hadPending = null;

        var plan = new Plan(operation, context.Settings.Hooks);
        plan.Add("copy", () =>
        {
            if (added is { } module)
                copied = SitePuppet.CopyTo(module.Folder, record.SiteModuleFolder(module.Module));
        }, () =>
        {
            if (copied && added is { } module)
                Directory.Delete(record.SiteModuleFolder(module.Module), recursive: true);
        });
        plan.Add("disk", async token =>
        {
            hadPending = File.Exists(pendingDisk);
            if (hadPending == true)
                File.Copy(pendingDisk, backup);
            await SiteConfig.WriteAsync(descriptor, values, record.Name, record.Uuid, record.ConfigGeneration + 1, pendingDisk,
                SiteConfig.PuppetOf(record, next), token).ConfigureAwait(false);
        }, () =>
        {
            if (hadPending == true && File.Exists(backup))
                File.Move(backup, pendingDisk, overwrite: true);
            else if (hadPending == false)
                File.Delete(pendingDisk);
        });
        plan.Add("record", token => context.Index.SaveInstanceAsync(staged, token), () => context.Index.SaveInstanceAsync(record, CancellationToken.None));
        plan.Add("tidy", () =>
        {
            File.Delete(backup);
            InstanceDisks.DeleteUnusedSiteModules(staged);
        });
        await plan.RunAsync(cancellationToken).ConfigureAwait(false);
        return ConfigPlan.View(staged, running, values);
    }
}
