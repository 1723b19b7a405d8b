using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;
using VirtAppliance.Libvirt.SafeHandles;

namespace VirtAppliance.Libvirt;

internal static partial class Interop
{
    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virInitialize();

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial ConnectHandle virConnectOpen(string? name);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial ConnectHandle virConnectOpenReadOnly(string? name);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virConnectClose(nint conn);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    [return: MarshalUsing(typeof(OwnedUtf8String))]
    internal static partial string? virConnectGetCapabilities(ConnectHandle conn);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    [return: MarshalUsing(typeof(OwnedUtf8String))]
    internal static partial string? virConnectGetDomainCapabilities(
        ConnectHandle conn, string? emulatorbin, string? arch, string? machine, string? virttype, uint flags);
}
