using VirtAppliance.Core.Deployment;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Monitoring;
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
        Metrics = new ApplianceMetrics();
        Instances = new InstanceService(store, connector, deployment ?? DeploymentSettings.Default, Metrics);
        Watch = new WatchService(store, connector, deployment ?? DeploymentSettings.Default, Metrics, Http);
        Notifications = new NotificationService(store, (deployment ?? DeploymentSettings.Default).Time, Http);
        Authoring = new AuthoringService(connector);
        Repositories = new RepositoryService(store, TimeProvider.System);
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

    /// <summary>The watch pass (thresholds, alerts, notifications) that serve runs periodically and 'watch' from cron.</summary>
    public WatchService Watch { get; }

    /// <summary>notify add / list / remove / test.</summary>
    public NotificationService Notifications { get; }

    /// <summary>The tool's System.Diagnostics.Metrics meter ("virt_appliance"): VM and disk gauges from the last watch pass, operation counters.</summary>
    public ApplianceMetrics Metrics { get; }

    /// <summary>One HTTP client for webhooks, for the life of the process (sockets are reused, DNS changes are seen).</summary>
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(15) };

    public RepositoryService Repositories { get; }

    /// <summary>import (OVA/OVF) and export (OVA, RPM).</summary>
    public InterchangeService Interchange { get; }

    public DemoService Demo { get; } = new();

    public BuildService Build { get; } = new();
}
