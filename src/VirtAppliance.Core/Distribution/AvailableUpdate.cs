namespace VirtAppliance.Core.Distribution;

/// <summary>A VM and the newest version its appliance has in the remotes (null when it runs the newest).</summary>
public sealed record AvailableUpdate(string Vm, string Appliance, string Runs, string? Newest, string? Remote);
