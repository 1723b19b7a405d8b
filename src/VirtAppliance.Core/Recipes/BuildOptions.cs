namespace VirtAppliance.Core.Recipes;

/// <summary>How <see cref="RecipeBuilder"/> builds: where to, which package cache, which fixed time.</summary>
public sealed record BuildOptions(string OutputFolder)
{
    public const string DefaultCacheFolder = "/var/cache/virt-appliance/packages";

    /// <summary>Fixed time for file times and file system stamps: equal recipes and packages give equal images.</summary>
    public const long DefaultSourceDateEpoch = 1700000000;

    /// <summary>Where downloaded .deb files are kept between builds.</summary>
    public string CacheFolder { get; init; } = DefaultCacheFolder;

    public long SourceDateEpoch { get; init; } = DefaultSourceDateEpoch;

    /// <summary>Replace an output folder that is not empty.</summary>
    public bool Force { get; init; }

    /// <summary>Keep the work folder (root tree, logs) after the build, for debugging a recipe.</summary>
    public bool KeepWork { get; init; }
}
