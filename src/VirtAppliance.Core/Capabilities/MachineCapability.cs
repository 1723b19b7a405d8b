namespace VirtAppliance.Core.Capabilities;

/// <summary>One <c>&lt;machine&gt;</c>: a machine type name, the versioned one it stands for, its CPU limit.</summary>
public sealed record MachineCapability(string Name, string? Canonical, int? MaxCpus);
