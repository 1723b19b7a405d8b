namespace VirtAppliance.Core.Capabilities;

/// <summary>The XML spelling of the capability enums, in one place for reading and writing.</summary>
public static class CapabilitiesSpelling
{
    public static string ToXml(this VirtType type) => type switch
    {
        VirtType.Kvm => "kvm",
        VirtType.Qemu => "qemu",
        VirtType.Xen => "xen",
        VirtType.Test => "test",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "This domain type has no spelling of its own."),
    };

    public static string ToXml(this GuestOsType osType) => osType switch
    {
        GuestOsType.Hvm => "hvm",
        GuestOsType.Xen => "xen",
        _ => throw new ArgumentOutOfRangeException(nameof(osType), osType, null),
    };

    /// <summary>Reads a domain type; unknown types (lxc, vbox …) become <see cref="VirtType.Other"/>.</summary>
    public static VirtType ParseVirtType(string text) => text.Trim().ToLowerInvariant() switch
    {
        "kvm" => VirtType.Kvm,
        "qemu" => VirtType.Qemu,
        "xen" => VirtType.Xen,
        "test" => VirtType.Test,
        _ => VirtType.Other,
    };

    /// <summary>Reads a domain type a user typed (option, environment); null when it is not one this tool can use.</summary>
    public static VirtType? TryParseVirtType(string? text) =>
        string.IsNullOrWhiteSpace(text) || ParseVirtType(text) is VirtType.Other ? null : ParseVirtType(text);

    /// <summary>Reads an os_type; libvirt's "linux" is Xen paravirtualization too.</summary>
    public static GuestOsType? TryParseOsType(string text) => text.Trim().ToLowerInvariant() switch
    {
        "hvm" => GuestOsType.Hvm,
        "xen" or "linux" => GuestOsType.Xen,
        _ => null,
    };
}
