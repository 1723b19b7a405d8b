namespace VirtAppliance.Core.Interchange;

/// <summary>What an import reads from an OVF descriptor (DSP0243 1.x or 2.x, oVirt's variant included).</summary>
/// <param name="Version">"1" or "2": the envelope's namespace.</param>
/// <param name="Notes">What the descriptor has that an appliance does not (dropped, one plain line each).</param>
public sealed record OvfEnvelope(
    string Version,
    IReadOnlyList<OvfFileReference> Files,
    IReadOnlyList<OvfDisk> Disks,
    OvfVirtualSystem System,
    IReadOnlyList<string> Notes);
