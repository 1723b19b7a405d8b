using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Services;
using VirtAppliance.Core.Store;
using VirtAppliance.Libvirt;

namespace VirtAppliance.Cli;

/// <summary>The application services of one CLI run over one store root; a verb calls one method of one of them.</summary>
internal sealed class Services
{
    public Services(string root, IHypervisorConnector? connector = null)
    {
        connector ??= new LibvirtConnector();
        var store = new ApplianceStore(root, TimeProvider.System);
        Appliances = new ApplianceService(reference => store.FindAsync(reference, CancellationToken.None).GetAwaiter().GetResult().LastOrDefault()?.Path);
        Host = new HostService(connector, Appliances);
        Packages = new PackageService(store, TimeProvider.System);
        Store = new StoreService(store);
        Instances = new InstanceService(store, connector, DeploymentSettings.Default);
    }

    public ApplianceService Appliances { get; }

    public HostService Host { get; }

    public PackageService Packages { get; }

    public StoreService Store { get; }

    public InstanceService Instances { get; }

    public DemoService Demo { get; } = new();
}
