using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Capabilities;

/// <summary>The host check of one boot descriptor.</summary>
/// <param name="Index">The boot's zero-based position in the descriptor (virt-image's --boot).</param>
/// <param name="Type">hvm or xen.</param>
/// <param name="Arch">The boot's architecture.</param>
/// <param name="Requirements">Every requirement in a fixed order.</param>
/// <param name="Choice">How the boot would run here, when it fits.</param>
public sealed record BootCheck(int Index, BootType Type, string Arch, IReadOnlyList<RequirementCheck> Requirements, HostChoice? Choice)
{
    public bool Fits => Choice is not null && Requirements.All(requirement => requirement.IsMet);

    /// <summary>The reasons of the requirements that are not met.</summary>
    public IEnumerable<string> Unmet => Requirements
        .Where(requirement => !requirement.IsMet)
        .Select(requirement => requirement.Reason ?? $"{requirement.Requirement}: wants {requirement.Wanted}, host has {requirement.HostHas}");
}
