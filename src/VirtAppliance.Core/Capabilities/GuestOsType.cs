namespace VirtAppliance.Core.Capabilities;

/// <summary>How a guest is virtualized (libvirt's <c>os_type</c>).</summary>
public enum GuestOsType
{
    /// <summary>Full virtualization: the guest runs unmodified with its own firmware.</summary>
    Hvm,

    /// <summary>Xen paravirtualization: the guest kernel knows it runs on Xen.</summary>
    Xen,
}
