namespace VirtAppliance.Core.Packaging;

/// <summary>The leading entries of a package: descriptor, manifest and signature, read before any payload.</summary>
/// <param name="Descriptor">The bytes of appliance.xml, checked against the manifest.</param>
/// <param name="Manifest">The parsed manifest.</param>
/// <param name="Signature">The ASCII-armored detached signature over manifest.json, or null.</param>
public sealed record PackageHeader(byte[] Descriptor, Manifest Manifest, string? Signature);
