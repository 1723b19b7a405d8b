namespace VirtAppliance.Core.Services;

/// <summary>The RPM export wrote: the .rpm, the repository folder createrepo_c indexed, and the signing key's fingerprint (null when unsigned).</summary>
public sealed record RpmExportResult(string Rpm, string Repository, string InstallPath, string? SignedBy, long Bytes);
