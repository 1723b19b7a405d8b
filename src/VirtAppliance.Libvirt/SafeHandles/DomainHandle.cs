using Microsoft.Win32.SafeHandles;

namespace VirtAppliance.Libvirt.SafeHandles;

/// <summary>Owns one reference to a virDomainPtr (which itself holds a reference to its connection).</summary>
internal sealed class DomainHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public DomainHandle() : base(ownsHandle: true) { }

    /// <summary>Takes ownership of a pointer libvirt handed out (e.g. an element of virConnectListAllDomains).</summary>
    public DomainHandle(nint existing) : base(ownsHandle: true) => SetHandle(existing);

    protected override bool ReleaseHandle() => Interop.virDomainFree(handle) == 0;
}
