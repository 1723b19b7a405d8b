namespace VirtAppliance.Core.Services;

/// <summary>The key a package was signed with: its fingerprint and primary user id.</summary>
public sealed record SigningKey(string Fingerprint, string UserId);
