using VirtAppliance.Core.Hypervisor;
using Xunit;

namespace VirtAppliance.Libvirt.Tests.Support;

/// <summary>The real libvirtd at qemu:///system. Tests that need it fail (never skip) when it is not there.</summary>
internal static class SystemDaemon
{
    public const string Uri = "qemu:///system";

    public static IHypervisor Connect()
    {
        try
        {
            return new LibvirtConnector().Open(Uri);
        }
        catch (LibvirtException e)
        {
            Assert.Fail(
                $"libvirtd is not reachable at {Uri}: {e.Message} (libvirt error {(int)e.Code}). "
                + "Start it with scripts/prereqs.sh (which runs 'virtlogd -d; libvirtd -d'), or run the tests with 'make test'.");
            throw;
        }
    }

    /// <summary>A 0755 folder under /var/tmp that the libvirt-qemu user can read; deleted on dispose.</summary>
    public static ScratchFolder CreateScratchFolder() => new();
}
