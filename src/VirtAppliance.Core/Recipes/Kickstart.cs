namespace VirtAppliance.Core.Recipes;

/// <summary>
/// The base system a recipe builds, as its kickstart file describes it: what the build does with each
/// command is in docs/recipe.md, "The kickstart".
/// </summary>
public sealed record Kickstart
{
    /// <summary>The file the kickstart came from, as given to the parser (used in messages).</summary>
    public required string Path { get; init; }

    /// <summary><c>part</c>/<c>partition</c> lines, in file order; exactly one is <c>/</c>.</summary>
    public IReadOnlyList<KickstartPartition> Partitions { get; init; } = [];

    /// <summary><c>url</c> (named <c>base</c>) and <c>repo</c> lines, in file order; names are unique.</summary>
    public IReadOnlyList<KickstartRepo> Repos { get; init; } = [];

    /// <summary>The <c>%packages</c> section; empty when there is none.</summary>
    public KickstartPackages Packages { get; init; } = new();

    /// <summary>The <c>%post</c> sections, in file order.</summary>
    public IReadOnlyList<KickstartScript> PostScripts { get; init; } = [];

    /// <summary><c>rootpw</c>; null when the kickstart does not say.</summary>
    public KickstartRootPassword? RootPassword { get; init; }

    /// <summary><c>services --enabled=</c>, in order, without duplicates.</summary>
    public IReadOnlyList<string> EnabledServices { get; init; } = [];

    /// <summary><c>services --disabled=</c>, in order, without duplicates.</summary>
    public IReadOnlyList<string> DisabledServices { get; init; } = [];

    /// <summary><c>timezone NAME</c>, e.g. <c>Europe/Berlin</c>.</summary>
    public string? Timezone { get; init; }

    /// <summary><c>timezone --utc</c> (alias <c>--isUtc</c>): the hardware clock is in UTC.</summary>
    public bool TimezoneUtc { get; init; }

    /// <summary><c>keyboard --vckeymap=</c>, else the legacy positional <c>keyboard us</c>, else the first <c>--xlayouts</c>.</summary>
    public string? Keyboard { get; init; }

    /// <summary><c>lang</c>, e.g. <c>en_US.UTF-8</c>.</summary>
    public string? Lang { get; init; }

    /// <summary><c>bootloader --append=</c>: extra kernel command line arguments.</summary>
    public string? BootloaderAppend { get; init; }

    /// <summary><c>bootloader --timeout=</c> in seconds.</summary>
    public int? BootloaderTimeout { get; init; }

    /// <summary><c>network --hostname=</c>.</summary>
    public string? Hostname { get; init; }

    /// <summary>The warnings found while parsing (ignored commands and options, a plaintext password…).</summary>
    public IReadOnlyList<RecipeProblem> Warnings { get; init; } = [];
}
