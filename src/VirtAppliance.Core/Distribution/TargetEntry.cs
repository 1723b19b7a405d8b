using VirtAppliance.Core.Packaging;

namespace VirtAppliance.Core.Distribution;

/// <summary>One package a repository offers, as its signed targets metadata describes it.</summary>
/// <param name="File">The path under the repository's targets/ folder (NAME-VERSION-RELEASE.vapp, or NAME-VERSION-RELEASE.delta-from-BASEVERSION-BASERELEASE.vapp for a delta).</param>
/// <param name="Length">Exactly how many bytes the package has; a download stops there.</param>
/// <param name="Channel">stable or testing.</param>
/// <param name="Base">For a delta package, the version it was made from and that version's package digest (null for a full package).</param>
public sealed record TargetEntry(string File, string Name, string Version, string Release, string Channel, long Length, string Sha256, string Sha512, PackageBase? Base = null)
{
    /// <summary>NAME@VERSION-RELEASE, as the store names an installed appliance.</summary>
    public string Id => $"{Name}@{Version}-{Release}";

    /// <summary>The file name a package of <paramref name="name"/> VERSION-RELEASE has in targets/: full, or a delta from <paramref name="baseVersion"/>.</summary>
    internal static string FileName(string name, string version, string release, PackageBase? baseVersion) =>
        baseVersion is null ? $"{name}-{version}-{release}.vapp" : $"{name}-{version}-{release}.delta-from-{baseVersion.Version}-{baseVersion.Release}.vapp";
}
