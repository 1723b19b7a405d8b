namespace VirtAppliance.Core.Capabilities;

/// <summary>Whether the host meets one requirement of a boot.</summary>
public enum RequirementStatus
{
    /// <summary>The host offers what the boot needs.</summary>
    Met,

    /// <summary>Met, but with a caveat worth telling (e.g. more vCPUs than host CPUs).</summary>
    Warning,

    /// <summary>The host does not say (old capabilities); it does not stop the boot.</summary>
    Unknown,

    /// <summary>The host cannot run the boot this way.</summary>
    NotMet,
}
