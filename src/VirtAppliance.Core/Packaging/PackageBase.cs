namespace VirtAppliance.Core.Packaging;

/// <summary>The version a delta package was made from: it must be installed (and intact) to install the delta.</summary>
/// <param name="Name">The base appliance's name.</param>
/// <param name="Version">Its version.</param>
/// <param name="Release">Its release.</param>
/// <param name="PackageDigest">The package digest (SHA-256 of manifest.json) of the package the delta was made from; informative, the files' content digests decide.</param>
public sealed record PackageBase(string Name, string Version, string Release, string PackageDigest)
{
    /// <summary>NAME@VERSION-RELEASE.</summary>
    public string Id => $"{Name}@{Version}-{Release}";
}
