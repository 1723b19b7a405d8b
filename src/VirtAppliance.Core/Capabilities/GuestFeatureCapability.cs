namespace VirtAppliance.Core.Capabilities;

/// <summary>
/// One guest feature the host offers (<c>&lt;acpi default='on' toggle='yes'/&gt;</c>).
/// Old capabilities give neither attribute: the feature is then available, and whether it can be
/// switched off is unknown (null).
/// </summary>
public sealed record GuestFeatureCapability(string Name, bool? Default, bool? Toggle)
{
    /// <summary>Whether a guest can have the feature in the given state on this host.</summary>
    public bool Allows(bool wanted) => wanted
        ? Default != false || Toggle != false
        : Default == false || Toggle != false;
}
