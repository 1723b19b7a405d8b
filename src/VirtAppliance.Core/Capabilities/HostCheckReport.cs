using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Capabilities;

/// <summary>
/// Whether an appliance fits a host: every boot with every requirement, and the boot chosen (the
/// one asked for, or the first that fits in document order, as virt-image did).
/// </summary>
/// <param name="Appliance">The appliance's display name.</param>
/// <param name="Boots">Every boot, in document order.</param>
/// <param name="Chosen">The chosen boot, or null when none fits (or the one asked for does not).</param>
/// <param name="RequestedBoot">The boot index asked for, if any.</param>
/// <param name="RequestedVirtType">The domain type asked for, if any.</param>
public sealed record HostCheckReport(
    string Appliance,
    IReadOnlyList<BootCheck> Boots,
    HostChoice? Chosen,
    int? RequestedBoot,
    VirtType? RequestedVirtType)
{
    public bool Fits => Chosen is not null;

    /// <summary>Every unmet requirement of the boots considered, prefixed by the boot.</summary>
    public IReadOnlyList<string> Unmet => Boots
        .Where(boot => RequestedBoot is null || boot.Index == RequestedBoot)
        .SelectMany(boot => boot.Unmet.Select(reason => $"boot {boot.Index} ({boot.Type.ToString().ToLowerInvariant()} {boot.Arch}): {reason}"))
        .ToList();

    /// <summary>The chosen boot, or a <see cref="HostMismatchException"/> that lists why nothing fits.</summary>
    public HostChoice RequireFit() => Chosen ?? throw new HostMismatchException(
        RequestedBoot is { } index
            ? $"Boot {index} of {Appliance} does not fit this host."
            : $"No boot of {Appliance} fits this host.",
        Unmet)
    {
        Hint = RequestedVirtType is null
            ? "run 'virt-appliance check' to see every requirement; another host or another boot (--boot) may fit"
            : $"the domain type was forced to {RequestedVirtType.Value.ToXml()} (--virt-type or VIRT_APPLIANCE_VIRT_TYPE); try without it",
    };
}
