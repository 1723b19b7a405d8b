namespace VirtAppliance.Core.Packaging;

/// <summary>The outcome of verifying a whole package: every digest held (else it threw) and what the signature says.</summary>
/// <param name="Header">Descriptor, manifest and signature.</param>
/// <param name="Signature">The signature check against the trust store.</param>
public sealed record PackageVerification(PackageHeader Header, SignatureCheck Signature)
{
    public Manifest Manifest => Header.Manifest;
}
