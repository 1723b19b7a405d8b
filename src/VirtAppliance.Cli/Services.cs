using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Services;
using VirtAppliance.Core.Store;
using VirtAppliance.Libvirt;

namespace VirtAppliance.Cli;

/// <summary>The application services of one CLI run over one store root (the web server wires the same ones).</summary>
internal sealed class Services
{
    public Services(string root, IHypervisorConnector? connector = null)
    {
        Connector = connector ?? new LibvirtConnector();
        var store = new ApplianceStore(root, TimeProvider.System);
        Appliances = new ApplianceService(reference => store.FindAsync(reference, CancellationToken.None).GetAwaiter().GetResult().LastOrDefault()?.Path);
        Host = new HostService(Connector, Appliances);
        Packages = new PackageService(store, TimeProvider.System);
        Instances = new InstanceService(store, Connector, TimeProvider.System);
    }

    public InstanceService Instances { get; }

    public IHypervisorConnector Connector { get; }

    public ApplianceService Appliances { get; }

    public HostService Host { get; }

    public PackageService Packages { get; }

    /// <summary>The VMs deployed from an installed appliance (remove refuses while there are any).</summary>
    public Task<IReadOnlyList<string>> InstancesUsingAsync(InstalledAppliance appliance, CancellationToken cancellationToken) =>
        Instances.UsersOfAsync(appliance, cancellationToken);
}
