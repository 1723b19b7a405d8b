using System.Runtime.InteropServices;
using VirtAppliance.Libvirt.SafeHandles;

namespace VirtAppliance.Libvirt;

internal static partial class Interop
{
    internal const int VIR_DOMAIN_EVENT_ID_LIFECYCLE = 0;

    /// <summary>Must run before a connection is opened for that connection to deliver events.</summary>
    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virEventRegisterDefaultImpl();

    /// <summary>Runs one iteration of the default event loop; blocks until something happens.</summary>
    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virEventRunDefaultImpl();

    /// <summary>
    /// The callback's real type depends on the event id (for LIFECYCLE:
    /// int (*)(virConnectPtr, virDomainPtr, int event, int detail, void* opaque)); libvirt takes it as generic.
    /// </summary>
    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int virConnectDomainEventRegisterAny(
        ConnectHandle conn,
        nint domain,
        int eventId,
        delegate* unmanaged<nint, nint, int, int, nint, int> callback,
        nint opaque,
        delegate* unmanaged<nint, void> freeOpaque);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virConnectDomainEventDeregisterAny(ConnectHandle conn, int callbackId);
}
