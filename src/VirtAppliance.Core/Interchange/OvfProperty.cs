using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Interchange;

/// <summary>A <c>ProductSection/Property</c>: a value the deployer fills in.</summary>
/// <param name="Key">ovf:key as written.</param>
/// <param name="Type">ovf:type (string, boolean, uint16, sint32, real64 …).</param>
/// <param name="Qualifiers">ovf:qualifiers (ValueMap{…}, MinValue(n), MaxLen(n) …), when given.</param>
/// <param name="ApplianceType">virt-appliance's own type (host, port, email …) written beside ovf:type by its export, when present.</param>
/// <param name="ApplianceRequired">virt-appliance's own va:required, when present (OVF has no such notion).</param>
public sealed record OvfProperty(
    string Key, string Type, string? Value, string? Qualifiers, bool Password, bool UserConfigurable,
    string? Label, string? Description, string? ApplianceType, SourceLocation Location, bool? ApplianceRequired = null);
