namespace VirtAppliance.Core.Descriptors;

/// <summary>The XML spelling of the descriptor's enumerations, in one place for reader and writer.</summary>
internal static class XmlNames
{
    public static readonly IReadOnlyDictionary<string, BootType> BootTypes = new Dictionary<string, BootType>
    {
        ["hvm"] = BootType.Hvm,
        ["xen"] = BootType.Xen,
    };

    public static readonly IReadOnlyDictionary<string, DiskRole> DiskRoles = new Dictionary<string, DiskRole>
    {
        ["system"] = DiskRole.System,
        ["user"] = DiskRole.User,
        ["data"] = DiskRole.User,
        ["scratch"] = DiskRole.Scratch,
    };

    public static readonly IReadOnlyDictionary<string, ParameterType> ParameterTypes = new Dictionary<string, ParameterType>
    {
        ["string"] = ParameterType.String,
        ["int"] = ParameterType.Int,
        ["bool"] = ParameterType.Bool,
        ["host"] = ParameterType.Host,
        ["port"] = ParameterType.Port,
        ["email"] = ParameterType.Email,
        ["password"] = ParameterType.Password,
        ["enum"] = ParameterType.Enum,
    };

    public static readonly IReadOnlyDictionary<string, Firmware> Firmwares = new Dictionary<string, Firmware>
    {
        ["bios"] = Firmware.Bios,
        ["efi"] = Firmware.Efi,
    };

    public static readonly IReadOnlyDictionary<string, TemporaryPathKind> TemporaryKinds = new Dictionary<string, TemporaryPathKind>
    {
        ["files"] = TemporaryPathKind.Files,
        ["dirs"] = TemporaryPathKind.Dirs,
        ["empty"] = TemporaryPathKind.Empty,
    };

    public static readonly IReadOnlyList<string> Features = ["pae", "acpi", "apic"];

    public static readonly IReadOnlyList<string> LoaderDevices = ["hd", "cdrom", "network", "fd"];

    public static readonly IReadOnlyList<string> Architectures = ["i686", "x86_64", "mips", "sparc", "ppc", "ppc64", "ppc64le", "aarch64", "armv7l", "s390x", "riscv64"];

    public static string Of(BootType value) => value == BootType.Xen ? "xen" : "hvm";

    public static string Of(DiskRole value) => value.ToString().ToLowerInvariant();

    public static string Of(ParameterType value) => value.ToString().ToLowerInvariant();

    public static string Of(Firmware value) => value.ToString().ToLowerInvariant();

    public static string Of(TemporaryPathKind value) => value.ToString().ToLowerInvariant();

    /// <summary>virt-image's normalisation: i386..i986 → i686, amd64 → x86_64.</summary>
    public static string NormalizeArch(string arch)
    {
        var trimmed = arch.Trim();
        if (trimmed.Length == 4 && trimmed[0] == 'i' && trimmed[1] is >= '3' and <= '9' && trimmed.EndsWith("86", StringComparison.Ordinal))
            return "i686";
        return trimmed == "amd64" ? "x86_64" : trimmed;
    }
}
