namespace VirtAppliance.Core.Store;

/// <summary>A disk alert that fired and has not cleared, as the index keeps it between watch passes (so a restart does not fire it again).</summary>
/// <param name="Level">"warning" or "critical".</param>
/// <param name="UsedPercent">Percent used when it fired or last changed.</param>
/// <param name="Since">When it fired.</param>
public sealed record StoredAlert(string Vm, string Disk, string Level, double UsedPercent, DateTimeOffset Since);
