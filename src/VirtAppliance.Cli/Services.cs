using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Services;
using VirtAppliance.Libvirt;

namespace VirtAppliance.Cli;

/// <summary>The application services a CLI run uses, wired once (the web server wires the same ones).</summary>
internal sealed class Services
{
    public Services(IHypervisorConnector? connector = null)
    {
        Connector = connector ?? new LibvirtConnector();
        Appliances = new ApplianceService();
        Host = new HostService(Connector, Appliances);
    }

    public IHypervisorConnector Connector { get; }

    public ApplianceService Appliances { get; }

    public HostService Host { get; }
}
