namespace VirtAppliance.Libvirt;

internal static class Libraries
{
    internal const string Libvirt = "libvirt.so.0";
}
