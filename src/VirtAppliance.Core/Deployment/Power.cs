using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Deployment;

/// <summary>Starting a VM and waiting for its health check; stopping it, gracefully first.</summary>
internal sealed class Power(IHypervisor hypervisor, DeploymentSettings settings, IProgress<string>? progress = null)
{
    public bool IsRunning(string name) => hypervisor.GetState(name).State is not (DomainState.ShutOff or DomainState.Crashed);

    /// <summary>Starts the VM and, when <paramref name="descriptor"/> has a health check, waits until it passes.</summary>
    /// <exception cref="HealthCheckFailedException">The appliance did not become healthy in time.</exception>
    public async Task StartAsync(InstanceRecord record, ApplianceDescriptor? descriptor, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        Start(record);
        await WaitHealthyAsync(record, descriptor, progress, cancellationToken).ConfigureAwait(false);
    }

    public void Start(InstanceRecord record)
    {
        // The console log holds this boot only, so the health check cannot match an earlier boot's line.
        if (File.Exists(record.ConsoleLog))
            File.Delete(record.ConsoleLog);
        hypervisor.Start(record.Name);
    }

    public async Task WaitHealthyAsync(InstanceRecord record, ApplianceDescriptor? descriptor, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (descriptor?.Health is not { } health)
            return;
        progress?.Report($"waiting for {record.Name} to become healthy (up to {health.TimeoutSeconds} s)");
        var problem = await HealthWaiter.WaitAsync(health, record.ConsoleLog, PortPlan.HealthProbe(health, record.Forwards, () => hypervisor.QemuMonitorCommand(record.Name, "info usernet")),
            () => hypervisor.GetState(record.Name).State is DomainState.Running or DomainState.Blocked or DomainState.Paused,
            settings.Time, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
            throw new HealthCheckFailedException($"{record.Name} ({record.ApplianceId}) did not become healthy: {problem}" + ConsoleTail(record.ConsoleLog))
            {
                Hint = $"the console log is {record.ConsoleLog}; ask the appliance's supplier if it is theirs",
            };
        progress?.Report($"{record.Name} is healthy");
    }

    /// <summary>Asks the guest to power off; pulls the plug after the stop timeout, or at once with <paramref name="force"/>.</summary>
    public async Task StopAsync(string name, bool force, CancellationToken cancellationToken)
    {
        if (!IsRunning(name))
            return;
        if (!force && !settings.ForceStop)
        {
            progress?.Report($"{name}: asking the guest to power off (up to {settings.StopTimeout.TotalSeconds:0} s, then it is forced off)");
            hypervisor.Shutdown(name);
            try
            {
                await hypervisor.WaitForStateAsync(name, DomainState.ShutOff, settings.StopTimeout, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (DomainStateTimeoutException)
            {
                // The guest ignored the power button: pull the plug, as virsh destroy would.
                progress?.Report($"{name}: the guest did not power off within {settings.StopTimeout.TotalSeconds:0} s; forcing it off");
            }
        }
        else
        {
            progress?.Report($"{name}: forcing it off");
        }
        hypervisor.Destroy(name);
        await hypervisor.WaitForStateAsync(name, DomainState.ShutOff, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Powers off (if running) and undefines; for undo, where the domain may be half made.</summary>
    public void Remove(string name)
    {
        if (hypervisor.FindDomain(name) is null)
            return;
        if (IsRunning(name))
            hypervisor.Destroy(name);
        hypervisor.Undefine(name);
    }

    /// <summary>The last console lines, since a failed deploy removes the log with the VM's folder.</summary>
    private static string ConsoleTail(string path)
    {
        var lines = ConsoleLog.ReadLines(path);
        return lines.Count == 0 ? "" : "\nlast console lines:\n  " + string.Join("\n  ", lines.TakeLast(5));
    }
}
