namespace VirtAppliance.Core.Store;

/// <summary>An appliance version in the store, as the index records it.</summary>
/// <param name="Name">The appliance name.</param>
/// <param name="Version">Its version.</param>
/// <param name="Release">Its release.</param>
/// <param name="PackageSha256">SHA-256 of the package's manifest.json (pins every byte of the appliance).</param>
/// <param name="SignerFingerprint">The trusted key that signed it, or null when installed unsigned.</param>
/// <param name="SignerUserId">That key's user id.</param>
/// <param name="SizeOnDisk">Bytes allocated by its files (holes not counted).</param>
/// <param name="InstalledAt">When it was installed.</param>
/// <param name="Path">Its read-only folder, holding appliance.xml and the files it references.</param>
public sealed record InstalledAppliance(
    string Name,
    string Version,
    string Release,
    string PackageSha256,
    string? SignerFingerprint,
    string? SignerUserId,
    long SizeOnDisk,
    DateTimeOffset InstalledAt,
    string Path)
{
    /// <summary>NAME@VERSION-RELEASE, as commands accept it.</summary>
    public string Id => $"{Name}@{Version}-{Release}";
}
