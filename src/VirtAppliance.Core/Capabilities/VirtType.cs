namespace VirtAppliance.Core.Capabilities;

/// <summary>The libvirt domain type (<c>&lt;domain type=…&gt;</c>), what virt-install calls --virt-type.</summary>
public enum VirtType
{
    /// <summary>A type this tool does not know; kept so that parsing never loses a guest.</summary>
    Other,

    /// <summary>QEMU with hardware acceleration.</summary>
    Kvm,

    /// <summary>QEMU's software emulation (TCG): slow but works everywhere.</summary>
    Qemu,

    /// <summary>The Xen hypervisor.</summary>
    Xen,

    /// <summary>libvirt's test driver (<c>test:///default</c>).</summary>
    Test,
}
