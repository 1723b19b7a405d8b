using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;
using VirtAppliance.Libvirt.SafeHandles;

namespace VirtAppliance.Libvirt;

internal static partial class Interop
{
    /// <summary>The command is human monitor (HMP) text, not QMP JSON.</summary>
    internal const uint VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP = 1 << 0;

    /// <summary>Runs a command on the domain's QEMU monitor; <paramref name="result"/> is malloc'd for the caller.</summary>
    [LibraryImport(Libraries.LibvirtQemu, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainQemuMonitorCommand(
        DomainHandle domain, string cmd, [MarshalUsing(typeof(OwnedUtf8String))] out string? result, uint flags);
}
