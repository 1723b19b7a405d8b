namespace VirtAppliance.Libvirt;

internal static class Libraries
{
    internal const string Libvirt = "libvirt.so.0";

    /// <summary>QEMU-only calls (monitor pass-through) live in a library of their own.</summary>
    internal const string LibvirtQemu = "libvirt-qemu.so.0";
}
