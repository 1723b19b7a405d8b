using VirtAppliance.Core.Authoring;

namespace VirtAppliance.Core.Services;

/// <summary>What import wrote, and what of the package it checked, noted or dropped.</summary>
/// <param name="Appliance">The appliance folder written (its descriptor, disks, what was not carried over).</param>
/// <param name="OvfVersion">"1" or "2": the OVF version of the descriptor.</param>
/// <param name="Manifest">The digest algorithm(s) of the checked manifest, or null when the package has none.</param>
/// <param name="Certificate">The certificate file the package carries (noted, not trusted), or null.</param>
public sealed record ImportResult(InitResult Appliance, string OvfVersion, string? Manifest, string? Certificate);
