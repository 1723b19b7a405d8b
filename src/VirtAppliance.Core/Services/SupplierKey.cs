namespace VirtAppliance.Core.Services;

/// <summary>An armored OpenPGP key pair on disk.</summary>
public sealed record SupplierKey(string SecretKeyFile, string PublicKeyFile);
