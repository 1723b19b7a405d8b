namespace VirtAppliance.Core.Hypervisor;

/// <summary>Conveniences over <see cref="IHypervisor"/>.</summary>
public static class HypervisorExtensions
{
    /// <summary>Waits until the domain is in <paramref name="state"/>.</summary>
    public static Task<DomainStatus> WaitForStateAsync(
        this IHypervisor hypervisor, string name, DomainState state, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hypervisor);
        return hypervisor.WaitForStateAsync(name, current => current == state, timeout, cancellationToken);
    }
}
