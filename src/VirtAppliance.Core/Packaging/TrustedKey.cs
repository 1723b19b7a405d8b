namespace VirtAppliance.Core.Packaging;

/// <summary>An OpenPGP public key in the trust store.</summary>
/// <param name="Fingerprint">The primary key's fingerprint, upper-case hex.</param>
/// <param name="UserId">The primary user id, e.g. "Supplier &lt;sign@example.org&gt;".</param>
public sealed record TrustedKey(string Fingerprint, string UserId);
