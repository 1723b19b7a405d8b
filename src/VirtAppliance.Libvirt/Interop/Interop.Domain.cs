using System.Runtime.InteropServices;
using System.Runtime.InteropServices.Marshalling;
using VirtAppliance.Libvirt.SafeHandles;

namespace VirtAppliance.Libvirt;

internal static partial class Interop
{
    internal const uint VIR_DOMAIN_XML_INACTIVE = 1 << 1;

    internal const uint VIR_DOMAIN_UNDEFINE_MANAGED_SAVE = 1 << 0;
    internal const uint VIR_DOMAIN_UNDEFINE_NVRAM = 1 << 2;
    internal const uint VIR_DOMAIN_UNDEFINE_KEEP_NVRAM = 1 << 3;

    internal const uint VIR_DOMAIN_AFFECT_CURRENT = 0;

    internal const int VIR_DOMAIN_METADATA_ELEMENT = 2;

    /// <summary>VIR_UUID_STRING_BUFLEN: 36 characters and the terminating NUL.</summary>
    internal const int VIR_UUID_STRING_BUFLEN = 37;

    /// <summary>struct _virDomainBlockInfo (libvirt-domain.h), all in bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct BlockInfoNative
    {
        public ulong Capacity;
        public ulong Allocation;
        public ulong Physical;
    }

    /// <summary>struct _virDomainInfo (libvirt-domain.h): unsigned long is the platform's long (64 bits on Linux x86_64).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct DomainInfoNative
    {
        public byte State;
        public nuint MaxMemKiB;
        public nuint MemoryKiB;
        public ushort VirtualCpus;
        public ulong CpuTimeNanoseconds;
    }

    /// <summary>Returns a malloc'd array of virDomainPtr: free each domain, then the array.</summary>
    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int virConnectListAllDomains(ConnectHandle conn, out nint* domains, uint flags);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DomainHandle virDomainLookupByName(ConnectHandle conn, string name);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DomainHandle virDomainLookupByUUIDString(ConnectHandle conn, string uuid);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial DomainHandle virDomainDefineXML(ConnectHandle conn, string xml);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainFree(nint domain);

    /// <summary>Returns a string owned by the domain object: do not free.</summary>
    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial byte* virDomainGetName(DomainHandle domain);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial byte* virDomainGetName(nint domain);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int virDomainGetUUIDString(DomainHandle domain, byte* buf);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int virDomainGetUUIDString(nint domain, byte* buf);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainUndefineFlags(DomainHandle domain, uint flags);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainCreate(DomainHandle domain);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainShutdown(DomainHandle domain);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainDestroy(DomainHandle domain);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainGetState(DomainHandle domain, out int state, out int reason, uint flags);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    [return: MarshalUsing(typeof(OwnedUtf8String))]
    internal static partial string? virDomainGetXMLDesc(DomainHandle domain, uint flags);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    [return: MarshalUsing(typeof(OwnedUtf8String))]
    internal static partial string? virDomainGetMetadata(DomainHandle domain, int type, string? uri, uint flags);

    /// <summary>virDomainBlockResize's size is in bytes rather than KiB.</summary>
    internal const uint VIR_DOMAIN_BLOCK_RESIZE_BYTES = 1 << 0;

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainBlockResize(DomainHandle domain, string disk, ulong size, uint flags);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainGetBlockInfo(DomainHandle domain, string disk, out BlockInfoNative info, uint flags);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainGetInfo(DomainHandle domain, out DomainInfoNative info);
}
