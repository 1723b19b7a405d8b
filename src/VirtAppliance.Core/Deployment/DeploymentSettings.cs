namespace VirtAppliance.Core.Deployment;

/// <summary>Settings of the deployment engine that tests change.</summary>
/// <param name="Time">The clock health checks and stop timeouts run on.</param>
/// <param name="StopTimeout">How long a guest may take to power off before it is forced.</param>
/// <param name="Hooks">Step hooks (tests).</param>
public sealed record DeploymentSettings(TimeProvider Time, TimeSpan StopTimeout, PlanHooks? Hooks = null)
{
    public static DeploymentSettings Default { get; } = new(TimeProvider.System, TimeSpan.FromSeconds(60));

    /// <summary>Power VMs off at once instead of asking their guests.</summary>
    public bool ForceStop { get; init; }

    /// <summary>An update may move a VM to an older version than it runs.</summary>
    public bool AllowDowngrade { get; init; }

    /// <summary>These settings as a verb's options change them.</summary>
    public DeploymentSettings With(VmOptions? options) =>
        options is null ? this : this with { StopTimeout = options.StopTimeout ?? StopTimeout, ForceStop = options.Force, AllowDowngrade = options.AllowDowngrade };
}
