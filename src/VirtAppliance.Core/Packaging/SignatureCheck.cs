namespace VirtAppliance.Core.Packaging;

/// <summary>The outcome of checking a package's signature against a trust store.</summary>
/// <param name="Status">Trusted, unsigned, untrusted key or bad signature.</param>
/// <param name="KeyId">The signing key's 64-bit id in hex, when there is a signature.</param>
/// <param name="Fingerprint">The trusted key's primary fingerprint, when it is known.</param>
/// <param name="UserId">The trusted key's first user id, when it is known.</param>
public sealed record SignatureCheck(SignatureStatus Status, string? KeyId = null, string? Fingerprint = null, string? UserId = null);
