using System.Runtime.InteropServices;
using VirtAppliance.Libvirt.SafeHandles;

namespace VirtAppliance.Libvirt;

internal static partial class Interop
{
    /// <summary>Commit the active layer (the image the running domain writes) into its backing image.</summary>
    internal const uint VIR_DOMAIN_BLOCK_COMMIT_ACTIVE = 1 << 2;

    /// <summary>End a ready block job by switching the disk to its new image.</summary>
    internal const uint VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT = 1 << 1;

    /// <summary>struct _virDomainBlockJobInfo (libvirt-domain.h): type, bandwidth (unsigned long), cur and end (unsigned long long).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct BlockJobInfoNative
    {
        public int Type;
        public nuint Bandwidth;
        public ulong Cur;
        public ulong End;
    }

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainBlockCommit(DomainHandle domain, string disk, string? baseImage, string? top, nuint bandwidth, uint flags);

    /// <returns>1 with a job, 0 without one, -1 on error.</returns>
    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainGetBlockJobInfo(DomainHandle domain, string disk, out BlockJobInfoNative info, uint flags);

    [LibraryImport(Libraries.Libvirt, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int virDomainBlockJobAbort(DomainHandle domain, string disk, uint flags);
}
