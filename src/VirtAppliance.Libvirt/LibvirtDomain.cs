using System.Runtime.InteropServices;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Libvirt.SafeHandles;

namespace VirtAppliance.Libvirt;

/// <summary>One reference to a libvirt domain (virDomainPtr); calls block and throw <see cref="LibvirtException"/>.</summary>
internal sealed class LibvirtDomain : IDisposable
{
    private readonly DomainHandle handle;

    internal LibvirtDomain(DomainHandle handle) => this.handle = handle;

    public unsafe string Name
    {
        get
        {
            var name = Interop.virDomainGetName(handle);
            return name is null
                ? throw LibvirtException.FromLastError("virDomainGetName")
                : Marshal.PtrToStringUTF8((nint)name) ?? string.Empty;
        }
    }

    public unsafe Guid Uuid
    {
        get
        {
            var buffer = stackalloc byte[Interop.VIR_UUID_STRING_BUFLEN];
            return Interop.virDomainGetUUIDString(handle, buffer) < 0
                ? throw LibvirtException.FromLastError("virDomainGetUUIDString")
                : Guid.Parse(new ReadOnlySpan<byte>(buffer, Interop.VIR_UUID_STRING_BUFLEN - 1));
        }
    }

    public DomainStatus GetState() =>
        Interop.virDomainGetState(handle, out var state, out var reason, 0) < 0
            ? throw LibvirtException.FromLastError("virDomainGetState")
            : new DomainStatus((DomainState)state, reason);

    public void Create() => Check(Interop.virDomainCreate(handle), "virDomainCreate");

    public void Shutdown() => Check(Interop.virDomainShutdown(handle), "virDomainShutdown");

    public void Destroy() => Check(Interop.virDomainDestroy(handle), "virDomainDestroy");

    public void Undefine(uint flags) => Check(Interop.virDomainUndefineFlags(handle, flags), "virDomainUndefineFlags");

    public string GetXmlDesc(uint flags) =>
        Interop.virDomainGetXMLDesc(handle, flags) ?? throw LibvirtException.FromLastError("virDomainGetXMLDesc");

    /// <summary>The metadata element for <paramref name="uri"/>, or null when the domain has none.</summary>
    public string? GetMetadataElement(string uri, uint flags)
    {
        var xml = Interop.virDomainGetMetadata(handle, Interop.VIR_DOMAIN_METADATA_ELEMENT, uri, flags);
        if (xml is not null)
        {
            return xml;
        }

        var error = LibvirtException.FromLastError("virDomainGetMetadata");
        return error.Code == LibvirtErrorCode.NoDomainMetadata ? null : throw error;
    }

    public BlockInfo GetBlockInfo(string disk) =>
        Interop.virDomainGetBlockInfo(handle, disk, out var info, 0) < 0
            ? throw LibvirtException.FromLastError("virDomainGetBlockInfo")
            : new BlockInfo(checked((long)info.Capacity), checked((long)info.Allocation), checked((long)info.Physical));

    /// <summary>Resizes a disk of the running domain; <paramref name="bytes"/> is the new capacity in bytes, not KiB.</summary>
    public void ResizeBlock(string disk, long bytes) =>
        Check(Interop.virDomainBlockResize(handle, disk, checked((ulong)bytes), Interop.VIR_DOMAIN_BLOCK_RESIZE_BYTES), "virDomainBlockResize");

    /// <summary>State, memory (KiB), vCPUs and CPU time (virDomainGetInfo).</summary>
    public Interop.DomainInfoNative GetInfo() =>
        Interop.virDomainGetInfo(handle, out var info) < 0 ? throw LibvirtException.FromLastError("virDomainGetInfo") : info;

    /// <summary>A guest-agent command (JSON) and the agent's JSON answer; fails when the domain has no agent channel or the agent does not answer in <paramref name="timeoutSeconds"/>.</summary>
    public string QemuAgentCommand(string command, int timeoutSeconds) =>
        Interop.virDomainQemuAgentCommand(handle, command, timeoutSeconds, 0) ?? throw LibvirtException.FromLastError("virDomainQemuAgentCommand");

    /// <summary>A human-monitor command to the domain's QEMU (a running QEMU domain only), and what QEMU answered.</summary>
    public string QemuMonitorCommand(string command) =>
        Interop.virDomainQemuMonitorCommand(handle, command, out var result, Interop.VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP) < 0
            ? throw LibvirtException.FromLastError("virDomainQemuMonitorCommand")
            : result ?? "";

    /// <summary>Starts merging the disk's active layer into its backing image (a block job).</summary>
    public void StartActiveCommit(string disk) =>
        Check(Interop.virDomainBlockCommit(handle, disk, null, null, 0, Interop.VIR_DOMAIN_BLOCK_COMMIT_ACTIVE), "virDomainBlockCommit");

    /// <summary>The disk's block job progress (done, total), or null when it has none.</summary>
    public (ulong Done, ulong Total)? BlockJobProgress(string disk) =>
        Check(Interop.virDomainGetBlockJobInfo(handle, disk, out var info, 0), "virDomainGetBlockJobInfo") == 0 ? null : (info.Cur, info.End);

    /// <summary>Ends the disk's ready block job by switching the disk to the job's image.</summary>
    public void PivotBlockJob(string disk) =>
        Check(Interop.virDomainBlockJobAbort(handle, disk, Interop.VIR_DOMAIN_BLOCK_JOB_ABORT_PIVOT), "virDomainBlockJobAbort");

    public void Dispose() => handle.Dispose();

    private static int Check(int result, string function) =>
        result < 0 ? throw LibvirtException.FromLastError(function) : result;
}
