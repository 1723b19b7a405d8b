using System.Runtime.InteropServices;
using VirtAppliance.Libvirt.SafeHandles;

namespace VirtAppliance.Libvirt;

internal static partial class Interop
{
    /// <summary>struct _virNodeInfo (libvirt-host.h); memory is in KiB.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct NodeInfoNative
    {
        public fixed byte Model[32];
        public CULong Memory;
        public uint Cpus;
        public uint Mhz;
        public uint Nodes;
        public uint Sockets;
        public uint Cores;
        public uint Threads;
    }

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virNodeGetInfo(ConnectHandle conn, out NodeInfoNative info);

    /// <summary>Free memory in bytes; 0 on error.</summary>
    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial ulong virNodeGetFreeMemory(ConnectHandle conn);
}
