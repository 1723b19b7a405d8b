namespace VirtAppliance.Core.Packaging;

/// <summary>What a package's signature says.</summary>
public enum SignatureStatus
{
    /// <summary>The package carries no signature.</summary>
    Unsigned,

    /// <summary>A trusted key signed the manifest and the signature holds.</summary>
    Trusted,

    /// <summary>The signature was made by a key that is not in the trust store.</summary>
    UntrustedKey,

    /// <summary>The signature does not match the manifest, or cannot be read.</summary>
    BadSignature,
}
