using Microsoft.Win32.SafeHandles;

namespace VirtAppliance.Libvirt.SafeHandles;

/// <summary>Owns one reference to a virConnectPtr.</summary>
internal sealed class ConnectHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public ConnectHandle() : base(ownsHandle: true) { }

    // virConnectClose returns the remaining reference count (domains hold references too), -1 on error.
    protected override bool ReleaseHandle() => Interop.virConnectClose(handle) >= 0;
}
