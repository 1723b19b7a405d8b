namespace VirtAppliance.Core.Capabilities;

/// <summary>The <c>&lt;loader&gt;</c> of domain capabilities: firmware images found on the host.</summary>
/// <param name="Supported">Whether a loader can be given.</param>
/// <param name="Values">Loader paths (e.g. /usr/share/OVMF/OVMF_CODE_4M.fd).</param>
/// <param name="Types">Loader types (rom, pflash).</param>
/// <param name="Secure">Secure boot values (yes, no).</param>
public sealed record DomainCapabilitiesLoader(
    bool Supported,
    IReadOnlyList<string> Values,
    IReadOnlyList<string> Types,
    IReadOnlyList<string> Secure)
{
    /// <summary>
    /// Loader paths that are UEFI firmware for <paramref name="arch"/>: libvirt lists every image it
    /// knows whatever the guest arch, and a 64-bit OVMF cannot start an i686 guest.
    /// </summary>
    public IEnumerable<string> EfiPathsFor(string? arch) => Values.Where(path => IsEfiFor(path, arch));

    private static bool IsEfiFor(string path, string? arch)
    {
        var name = Path.GetFileName(path);
        bool Has(string part) => name.Contains(part, StringComparison.OrdinalIgnoreCase) || path.Contains("/" + part, StringComparison.OrdinalIgnoreCase);
        var ovmf32 = Has("OVMF32") || Has("ia32");
        var aavmf32 = Has("AAVMF32") || Has("arm/");
        return arch switch
        {
            "x86_64" => Has("OVMF") && !ovmf32,
            "i686" => ovmf32,
            "aarch64" => (Has("AAVMF") && !aavmf32) || Has("QEMU_EFI") || Has("edk2-aarch64"),
            "armv7l" => aavmf32 || Has("edk2-arm"),
            _ => Has("OVMF") || Has("AAVMF") || Has("QEMU_EFI") || Has("edk2"),
        };
    }
}
