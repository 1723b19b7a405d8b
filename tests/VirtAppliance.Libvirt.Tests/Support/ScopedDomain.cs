using VirtAppliance.Core.Hypervisor;

namespace VirtAppliance.Libvirt.Tests.Support;

/// <summary>
/// A domain a test defined; disposing destroys and undefines it whatever state the test left it in,
/// so a failing test leaves nothing behind on qemu:///system.
/// </summary>
internal sealed class ScopedDomain : IDisposable
{
    private readonly IHypervisor hypervisor;

    private ScopedDomain(IHypervisor hypervisor, DomainInfo info)
    {
        this.hypervisor = hypervisor;
        Info = info;
    }

    public DomainInfo Info { get; }

    public string Name => Info.Name;

    public static ScopedDomain Define(IHypervisor hypervisor, string xml) => new(hypervisor, hypervisor.Define(xml));

    public void Dispose()
    {
        try
        {
            if (hypervisor.FindDomain(Name) is not { } domain)
            {
                return;
            }

            if (domain.Status.IsActive)
            {
                hypervisor.Destroy(Name);
            }

            hypervisor.Undefine(Name);
        }
        catch (LibvirtException e) when (e.Code == LibvirtErrorCode.NoDomain)
        {
            // Gone already (a transient domain disappears when it stops).
        }
    }
}
