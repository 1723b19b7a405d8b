namespace VirtAppliance.Core.Distribution;

/// <summary>The keys root names for one role, and how many of them must sign.</summary>
internal sealed record RoleKeys(IReadOnlyList<string> KeyIds, int Threshold);
