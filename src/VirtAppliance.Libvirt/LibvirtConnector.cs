using VirtAppliance.Core.Hypervisor;

namespace VirtAppliance.Libvirt;

/// <summary>Opens libvirt connections as <see cref="IHypervisor"/>s.</summary>
public sealed class LibvirtConnector : IHypervisorConnector
{
    private readonly TimeProvider timeProvider;

    public LibvirtConnector() : this(TimeProvider.System) { }

    /// <param name="timeProvider">Times the timeouts of <see cref="IHypervisor.WaitForStateAsync"/>.</param>
    public LibvirtConnector(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        this.timeProvider = timeProvider;
    }

    /// <exception cref="LibvirtException">libvirt cannot open <paramref name="uri"/>.</exception>
    public IHypervisor Open(string uri, bool readOnly = false) =>
        new LibvirtHypervisor(LibvirtConnection.Open(uri, readOnly), timeProvider);
}
