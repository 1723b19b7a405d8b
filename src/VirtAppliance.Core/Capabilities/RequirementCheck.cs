namespace VirtAppliance.Core.Capabilities;

/// <summary>One row of a host check: what a boot wants, what the host has, whether that is enough.</summary>
/// <param name="Requirement">A stable name: os-type, arch, domain-type, feature:pae, firmware, memory, vcpus.</param>
/// <param name="Wanted">What the boot needs, in words.</param>
/// <param name="HostHas">What the host offers, in words.</param>
/// <param name="Status">Met, warning, unknown or not met.</param>
/// <param name="Reason">A plain-language sentence for anything but met.</param>
public sealed record RequirementCheck(string Requirement, string Wanted, string HostHas, RequirementStatus Status, string? Reason)
{
    /// <summary>True unless the requirement is plainly not met.</summary>
    public bool IsMet => Status != RequirementStatus.NotMet;
}
