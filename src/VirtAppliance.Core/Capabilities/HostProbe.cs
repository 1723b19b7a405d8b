using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Hypervisor;

namespace VirtAppliance.Core.Capabilities;

/// <summary>Reads what the host check needs from a live hypervisor: capabilities, and domain capabilities for the arches the boots want.</summary>
internal static class HostProbe
{
    public static HostCheckReport Check(IHypervisor hypervisor, ApplianceDescriptor descriptor, HostMatchOptions? options)
    {
        var host = CapabilitiesParser.ParseHost(hypervisor.GetCapabilitiesXml());
        return HostMatcher.Check(descriptor, host, DomainCapabilities(hypervisor, host, descriptor, options?.VirtType), options);
    }

    /// <summary>Domain capabilities tell whether UEFI firmware is installed; only a forced type, else every known type the host lists, is asked.</summary>
    public static List<DomainCapabilities> DomainCapabilities(IHypervisor hypervisor, HostCapabilities host, ApplianceDescriptor descriptor, VirtType? forced)
    {
        var result = new List<DomainCapabilities>();
        foreach (var arch in descriptor.Boots.Select(boot => boot.Arch).Distinct(StringComparer.Ordinal))
        {
            var types = forced is { } type ? [type]
                : host.Guests.Where(guest => guest.Arch == arch).SelectMany(guest => guest.Domains).Select(domain => domain.Type)
                    .Where(candidate => candidate != VirtType.Other).Distinct().ToList();
            foreach (var virtType in types)
            {
                try
                {
                    result.Add(CapabilitiesParser.ParseDomain(hypervisor.GetDomainCapabilitiesXml(arch, virtType: virtType.ToXml())));
                }
                catch (HypervisorException)
                {
                    // Some drivers (test, xen) answer no domain capabilities for some types; the check then says "unknown".
                }
            }
        }
        return result;
    }
}
