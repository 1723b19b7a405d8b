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

    /// <summary>Sends a QMP-style JSON command to the guest agent (qemu-guest-agent over its virtio-serial channel); the answer is malloc'd for the caller, null on error.</summary>
    /// <param name="timeout">Seconds to wait for the agent; -2 blocks, -1 the default (5 s), 0 does not wait.</param>
    [LibraryImport(Libraries.LibvirtQemu, StringMarshalling = StringMarshalling.Utf8)]
    [return: MarshalUsing(typeof(OwnedUtf8String))]
    internal static partial string? virDomainQemuAgentCommand(DomainHandle domain, string cmd, int timeout, uint flags);
}
