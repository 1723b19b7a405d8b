using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Capabilities;

/// <summary>What a caller forces instead of letting the host check choose.</summary>
public sealed record HostMatchOptions
{
    /// <summary>The environment variable that forces the domain type (e.g. qemu where KVM is listed but broken).</summary>
    public const string VirtTypeVariable = "VIRT_APPLIANCE_VIRT_TYPE";

    public static HostMatchOptions Default { get; } = new();

    /// <summary>The zero-based boot to use; null picks the first that fits.</summary>
    public int? BootIndex { get; init; }

    /// <summary>The domain type to use; null prefers kvm, then qemu (hvm), or xen (xen boots).</summary>
    public VirtType? VirtType { get; init; }

    /// <summary>
    /// The domain type from, in this order: the command line option, the environment variable
    /// <see cref="VirtTypeVariable"/>, the configuration file; null when none says.
    /// </summary>
    /// <exception cref="InvalidInputException">A value is not kvm, qemu, xen or test.</exception>
    public static VirtType? ResolveVirtType(string? option, Func<string, string?> environment, string? configured)
    {
        ArgumentNullException.ThrowIfNull(environment);
        (string Value, string From)? given =
            !string.IsNullOrWhiteSpace(option) ? (option, "--virt-type")
            : environment(VirtTypeVariable) is { Length: > 0 } variable ? (variable, VirtTypeVariable)
            : !string.IsNullOrWhiteSpace(configured) ? (configured, "the configuration")
            : null;
        if (given is not var (value, from))
        {
            return null;
        }

        return CapabilitiesSpelling.TryParseVirtType(value) ?? throw new InvalidInputException(
            $"'{value}' from {from} is not a domain type this tool can use.")
        {
            Hint = "use kvm, qemu (software emulation, works everywhere), xen or test",
        };
    }
}
