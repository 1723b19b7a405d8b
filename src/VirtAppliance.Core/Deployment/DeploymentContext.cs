using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Deployment;

/// <summary>What every deployment operation works with: the store, its index, one hypervisor connection, the clock.</summary>
internal sealed class DeploymentContext(ApplianceStore store, StoreIndex index, IHypervisor hypervisor, DeploymentSettings settings, IProgress<string>? progress)
{
    public ApplianceStore Store { get; } = store;

    public StoreIndex Index { get; } = index;

    public IHypervisor Hypervisor { get; } = hypervisor;

    public DeploymentSettings Settings { get; } = settings;

    public IProgress<string>? Progress { get; } = progress;

    public Power Power => new(Hypervisor, Settings, Progress);

    /// <summary>NAME[@VERSION[-RELEASE]] → the highest installed match.</summary>
    /// <exception cref="NotFoundException">Nothing installed matches.</exception>
    public async Task<InstalledAppliance> ResolveAsync(string reference, CancellationToken cancellationToken) =>
        (await Store.FindAsync(reference, cancellationToken).ConfigureAwait(false)).LastOrDefault()
        ?? throw new NotFoundException($"no installed appliance matches '{reference}'")
        {
            Hint = "install it first ('virt-appliance install PACKAGE'); 'virt-appliance list' shows what is installed",
        };

    public static ApplianceDescriptor Load(InstalledAppliance installed) =>
        ApplianceLocator.Load(installed.Path, ValidationPurpose.Use).Require();

    /// <summary>The descriptor of the version a record runs, or null when that version is no longer installed.</summary>
    public async Task<ApplianceDescriptor?> TryLoadAsync(InstanceRecord record, CancellationToken cancellationToken)
    {
        var installed = (await Store.FindAsync(record.ApplianceId, cancellationToken).ConfigureAwait(false)).LastOrDefault();
        return installed is null ? null : Load(installed);
    }

    public void Report(string message) => Progress?.Report(message);

    /// <summary>Undo of a stop: the VM runs <paramref name="record"/>'s version again, healthy, if it ran before.</summary>
    public async Task RestartIfItRanAsync(InstanceRecord record, bool wasRunning)
    {
        if (wasRunning && !Power.IsRunning(record.Name))
            await Power.StartAsync(record, await TryLoadAsync(record, CancellationToken.None).ConfigureAwait(false), Progress, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Undo of a start: power off at once.</summary>
    public async Task PowerOffAsync(string name)
    {
        if (Power.IsRunning(name))
            await Power.StopAsync(name, force: true, CancellationToken.None).ConfigureAwait(false);
    }
}
