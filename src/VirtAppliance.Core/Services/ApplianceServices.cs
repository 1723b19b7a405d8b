using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Services;

/// <summary>
/// Every service over one store root, wired once by a face (today the CLI, once per run), which
/// passes in the hypervisor binding and calls one method of one service per action.
/// </summary>
public sealed class ApplianceServices
{
    public ApplianceServices(string root, IHypervisorConnector connector, DeploymentSettings? deployment = null)
    {
        var store = new ApplianceStore(root, TimeProvider.System);
        Func<string, string?> installed = reference => store.FindAsync(reference, CancellationToken.None).GetAwaiter().GetResult().LastOrDefault()?.Path;
        Appliances = new ApplianceService(installed);
        Interchange = new InterchangeService(installed);
        Host = new HostService(connector, Appliances);
        Packages = new PackageService(store, TimeProvider.System);
        Store = new StoreService(store);
        Instances = new InstanceService(store, connector, deployment ?? DeploymentSettings.Default);
        Authoring = new AuthoringService(connector);
    }

    /// <summary>The store root when neither --root nor the environment says otherwise.</summary>
    public const string DefaultRoot = ApplianceStore.DefaultRoot;

    /// <summary>The environment variable that names another store root.</summary>
    public const string RootVariable = ApplianceStore.RootVariable;

    /// <summary>The store root: <paramref name="root"/> (--root), else $VIRT_APPLIANCE_ROOT, else /var/lib/appliances.</summary>
    public static string ResolveRoot(string? root) => ApplianceStore.ResolveRoot(root);

    public ApplianceService Appliances { get; }

    public HostService Host { get; }

    public PackageService Packages { get; }

    public StoreService Store { get; }

    public InstanceService Instances { get; }

    public AuthoringService Authoring { get; }

    /// <summary>import (OVA/OVF) and export (OVA, RPM).</summary>
    public InterchangeService Interchange { get; }

    public DemoService Demo { get; } = new();

    public BuildService Build { get; } = new();
}
