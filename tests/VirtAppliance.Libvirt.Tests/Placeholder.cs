namespace VirtAppliance.Libvirt.Tests;

internal static class Placeholder;
