namespace VirtAppliance.Core.Hypervisor;

/// <summary>Opens connections to a hypervisor; the services get one from the face that runs them (today the CLI).</summary>
public interface IHypervisorConnector
{
    /// <summary>Connects to a hypervisor.</summary>
    /// <param name="uri">A libvirt URI such as "qemu:///system" or "test:///default".</param>
    /// <param name="readOnly">Read-only connections can list and inspect but not change domains.</param>
    /// <exception cref="Errors.HypervisorException">The hypervisor cannot be reached or refuses the connection.</exception>
    IHypervisor Open(string uri, bool readOnly = false);
}
