namespace VirtAppliance.Core.Distribution;

/// <summary>One package a repository offers, as its signed targets metadata describes it.</summary>
/// <param name="File">The path under the repository's targets/ folder (NAME-VERSION-RELEASE.vapp).</param>
/// <param name="Length">Exactly how many bytes the package has; a download stops there.</param>
/// <param name="Channel">stable or testing.</param>
public sealed record TargetEntry(string File, string Name, string Version, string Release, string Channel, long Length, string Sha256, string Sha512)
{
    /// <summary>NAME@VERSION-RELEASE, as the store names an installed appliance.</summary>
    public string Id => $"{Name}@{Version}-{Release}";
}
