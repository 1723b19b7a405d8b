using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Recipes;

/// <summary>The <c>%packages</c> section: what to install beyond the base system, and what to leave out.</summary>
public sealed record KickstartPackages
{
    /// <summary>Package names (globs and versions as the package manager takes them), in file order.</summary>
    public IReadOnlyList<string> Names { get; init; } = [];

    /// <summary>Lines starting with <c>-</c>: packages not to install, without the dash.</summary>
    public IReadOnlyList<string> Excluded { get; init; } = [];

    /// <summary>Lines starting with <c>@</c>: groups (or <c>^environments</c>), without the at sign.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary><c>--nocore</c>: do not install the core group.</summary>
    public bool NoCore { get; init; }

    /// <summary><c>--excludedocs</c>: install no documentation.</summary>
    public bool ExcludeDocs { get; init; }

    /// <summary><c>--ignoremissing</c>: a package that does not exist is not an error.</summary>
    public bool IgnoreMissing { get; init; }

    /// <summary><c>--excludeWeakdeps</c> (alias <c>--exclude-weakdeps</c>): no weak dependencies (Debian: no Recommends).</summary>
    public bool ExcludeWeakDeps { get; init; }

    /// <summary><c>--instLangs=</c> (alias <c>--inst-langs</c>): the languages to keep translations of; empty means none, null all.</summary>
    public string? InstLangs { get; init; }

    /// <summary>The <c>%packages</c> line; <see cref="SourceLocation.None"/> when there is no section.</summary>
    public SourceLocation Location { get; init; } = SourceLocation.None;
}
