using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.Configuration;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Deployment;

/// <summary>
/// 'config': show the values a VM runs with, stage changes (set, unset: a pending config disk, the
/// passwords on it only), and apply them: stop → attach the next generation → record → start → wait
/// healthy, each with its undo, so a failed apply returns to the generation that ran.
/// </summary>
internal static class ConfigPlan
{
    public static async Task<ConfigView> ShowAsync(DeploymentContext context, InstanceRecord record, CancellationToken cancellationToken)
    {
        var descriptor = await DescriptorOfAsync(context, record, cancellationToken).ConfigureAwait(false);
        var running = await SiteConfig.CurrentAsync(record, descriptor, pending: false, cancellationToken).ConfigureAwait(false);
        var pending = record.PendingValues is null ? null : await SiteConfig.CurrentAsync(record, descriptor, pending: true, cancellationToken).ConfigureAwait(false);
        return View(record, running, pending);
    }

    /// <summary>Checks the changed values and writes them to the pending config disk; the VM is not touched.</summary>
    public static async Task<ConfigView> StageAsync(DeploymentContext context, InstanceRecord record, IReadOnlyList<string> set, IReadOnlyList<string> unset,
        CancellationToken cancellationToken)
    {
        var descriptor = await DescriptorOfAsync(context, record, cancellationToken).ConfigureAwait(false);
        var running = await SiteConfig.CurrentAsync(record, descriptor, pending: false, cancellationToken).ConfigureAwait(false);
        var current = record.PendingValues is null ? running : await SiteConfig.CurrentAsync(record, descriptor, pending: true, cancellationToken).ConfigureAwait(false);
        var next = current.With(SiteValueInput.ParseAssignments(set), unset);
        await SiteConfig.WriteAsync(descriptor, next, record.Name, record.Uuid, record.ConfigGeneration + 1, record.PendingConfigDisk,
            SiteConfig.PuppetOf(record, record.PendingSitePuppet ?? record.SitePuppet), cancellationToken).ConfigureAwait(false);
        var staged = record with { PendingValues = SiteConfig.Recorded(next) };
        await context.Index.SaveInstanceAsync(staged, cancellationToken).ConfigureAwait(false);
        return View(staged, running, next);
    }

    /// <summary>Attaches the pending config disk; with <paramref name="restart"/>, restarts a running VM so that it reads it, and waits for health.</summary>
    /// <exception cref="ConflictException">Nothing is pending.</exception>
    public static async Task<ConfigView> ApplyAsync(DeploymentContext context, InstanceRecord record, bool restart, CancellationToken cancellationToken)
    {
        if (record.PendingValues is not { } pendingValues || !File.Exists(record.PendingConfigDisk))
            throw new ConflictException($"{record.Name} has no configuration waiting to be applied")
            {
                Hint = $"change it first: virt-appliance config {record.Name} set NAME=VALUE",
            };
        var name = record.Name;
        var hypervisor = context.Hypervisor;
        UpdatePlan.RequireDomain(hypervisor, record);
        var descriptor = await DescriptorOfAsync(context, record, cancellationToken).ConfigureAwait(false);
        var generation = record.ConfigGeneration + 1;
        var applied = record with
        {
            ConfigGeneration = generation,
            SiteValues = pendingValues,
            PendingValues = null,
            SitePuppet = record.PendingSitePuppet ?? record.SitePuppet,
            PendingSitePuppet = null,
        };
        var wasRunning = context.Power.IsRunning(name);
        var restarting = wasRunning && restart;
        var previousXml = hypervisor.GetXml(name, inactive: true);
        HostChoice choice = null!;

        var plan = new Plan($"config apply {name}", context.Settings.Hooks);
        plan.Add("host check", () => choice = HostProbe.Check(hypervisor, descriptor,
            new HostMatchOptions { VirtType = CapabilitiesSpelling.TryParseVirtType(record.VirtType) }).RequireFit());
        plan.Add("stop", async token =>
        {
            if (restarting)
                await context.Power.StopAsync(name, force: false, token).ConfigureAwait(false);
        }, () => context.RestartIfItRanAsync(record, restarting));
        // Rendered again from what is pending rather than moved: the pending disk may have been staged before an update
        // took the generation it was made for, and a guest applies a configuration only under an instance id it has not seen.
        plan.Add("disk", async token =>
        {
            var values = await SiteConfig.CurrentAsync(record, descriptor, pending: true, token).ConfigureAwait(false);
            await SiteConfig.WriteAsync(descriptor, values, name, record.Uuid, generation, applied.ConfigDisk!, SiteConfig.PuppetOf(record, applied.SitePuppet), token)
                .ConfigureAwait(false);
        }, () => File.Delete(applied.ConfigDisk!));
        plan.Add("define", () => hypervisor.Define(InstanceDisks.DomainXml(descriptor, choice, applied)), () => hypervisor.Define(previousXml));
        plan.Add("record", token => context.Index.SaveInstanceAsync(applied, token), () => context.Index.SaveInstanceAsync(record, CancellationToken.None));
        plan.Add("start", () =>
        {
            if (restarting)
                context.Power.Start(applied);
        }, () => context.PowerOffAsync(name));
        plan.Add("wait healthy", async token =>
        {
            if (restarting)
                await context.Power.WaitHealthyAsync(applied, descriptor, context.Progress, token).ConfigureAwait(false);
        });
        plan.Add("drop pending", () => File.Delete(record.PendingConfigDisk));
        // A VM that keeps running on the old disk until its next start still has it open.
        if (!wasRunning || restarting)
            plan.Add("tidy", () =>
            {
                InstanceDisks.DeleteUnusedConfigDisks(applied);
                InstanceDisks.DeleteUnusedSiteModules(applied);
            });
        await plan.RunAsync(cancellationToken).ConfigureAwait(false);

        var running = await SiteConfig.CurrentAsync(applied, descriptor, pending: false, cancellationToken).ConfigureAwait(false);
        return View(applied, running, null) with { Restarted = restarting };
    }

    internal static async Task<ApplianceDescriptor> DescriptorOfAsync(DeploymentContext context, InstanceRecord record, CancellationToken cancellationToken) =>
        await context.TryLoadAsync(record, cancellationToken).ConfigureAwait(false)
        ?? throw new NotFoundException($"{record.ApplianceId}, which {record.Name} runs, is no longer installed, so its parameters are unknown")
        {
            Hint = $"install it again, or update {record.Name} to an installed version",
        };

    internal static ConfigView View(InstanceRecord record, SiteValues running, SiteValues? pending) =>
        new ConfigView(record.Name, record.ApplianceId, record.ConfigGeneration, record.PendingValues is not null,
            [.. running.Parameters.Select(parameter => new ConfigEntry(
                parameter.Name,
                parameter.Type.ToString().ToLowerInvariant(),
                Shown(running, parameter.Name),
                pending is null ? null : Shown(pending, parameter.Name),
                parameter.Type == ParameterType.Password && parameter.Default is not null ? SiteValues.Mask : parameter.Default,
                running.IsDefault(parameter.Name),
                running.IsSecret(parameter.Name),
                pending is not null && pending[parameter.Name] != running[parameter.Name]))])
        {
            Puppet = record.SitePuppet,
            PendingPuppet = record.PendingSitePuppet,
        };

    private static string? Shown(SiteValues values, string name) =>
        values[name] is { } value ? (values.IsSecret(name) ? SiteValues.Mask : value) : null;
}
