namespace VirtAppliance.Core.Distribution;

/// <summary>A key root.json names for the root role: what a user confirms on trust on first use.</summary>
public sealed record RootKeyInfo(string Fingerprint, string UserId);
