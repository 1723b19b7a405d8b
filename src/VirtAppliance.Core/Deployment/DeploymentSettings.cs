namespace VirtAppliance.Core.Deployment;

/// <summary>Settings of the deployment engine that tests change.</summary>
/// <param name="Time">The clock health checks and stop timeouts run on.</param>
/// <param name="StopTimeout">How long a guest may take to power off before it is forced.</param>
/// <param name="Hooks">Step hooks (tests).</param>
public sealed record DeploymentSettings(TimeProvider Time, TimeSpan StopTimeout, PlanHooks? Hooks = null)
{
    public static DeploymentSettings Default { get; } = new(TimeProvider.System, TimeSpan.FromSeconds(60));
}
