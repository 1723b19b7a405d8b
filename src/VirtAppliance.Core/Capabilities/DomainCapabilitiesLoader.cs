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
    /// <summary>Loader paths that are UEFI firmware (OVMF for x86, AAVMF/QEMU_EFI for ARM).</summary>
    public IEnumerable<string> EfiPaths => Values.Where(IsEfiPath);

    private static bool IsEfiPath(string path) =>
        path.Contains("OVMF", StringComparison.OrdinalIgnoreCase)
        || path.Contains("AAVMF", StringComparison.OrdinalIgnoreCase)
        || path.Contains("edk2", StringComparison.OrdinalIgnoreCase)
        || path.Contains("QEMU_EFI", StringComparison.OrdinalIgnoreCase);
}
