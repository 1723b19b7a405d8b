using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Recipes;

/// <summary>
/// Reads and checks a recipe folder: <c>appliance.xml</c> (disks with sizes, no files), one <c>*.ks</c>, and
/// <c>puppet/</c> (manifests/site.pp, modules/). Every problem of every file comes back at once, located.
/// </summary>
public static class RecipeLoader
{
    public const string PuppetFolderName = "puppet";

    /// <exception cref="NotFoundException">The folder does not exist.</exception>
    /// <exception cref="RecipeInvalidException">Something in the recipe is wrong (exit 3); every problem is listed.</exception>
    public static async Task<Recipe> LoadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        var folder = File.Exists(path) ? Path.GetDirectoryName(Path.GetFullPath(path))! : Path.GetFullPath(path);
        if (!Directory.Exists(folder))
            throw new NotFoundException($"recipe folder {path} does not exist") { Hint = "give the folder holding appliance.xml, the kickstart and puppet/" };

        var problems = new List<RecipeProblem>();
        var descriptorPath = Path.Combine(folder, ApplianceLocator.DescriptorFileName);
        ApplianceDescriptor? descriptor = null;
        if (!File.Exists(descriptorPath))
        {
            problems.Add(new RecipeProblem(Severity.Error, new SourceLocation(folder, 0, 0), "the recipe has no appliance.xml",
                "write the descriptor with <disk id=\"system\" use=\"system\" size=\"MB\"/> and no file="));
        }
        else
        {
            var read = DescriptorReader.ReadFile(descriptorPath);
            problems.AddRange(read.Problems.Select(FromDescriptor));
            if (read.Descriptor is { } readDescriptor)
            {
                problems.AddRange(DescriptorValidator.Validate(readDescriptor, ValidationPurpose.Recipe).Select(FromDescriptor));
                descriptor = readDescriptor;
            }
        }

        var kickstarts = Directory.GetFiles(folder, "*.ks").Order(StringComparer.Ordinal).ToList();
        Kickstart? kickstart = null;
        if (kickstarts.Count != 1)
        {
            problems.Add(new RecipeProblem(Severity.Error, new SourceLocation(folder, 0, 0),
                kickstarts.Count == 0 ? "the recipe has no kickstart (*.ks)" : $"the recipe has {kickstarts.Count} kickstarts ({string.Join(", ", kickstarts.Select(Path.GetFileName))})",
                "keep exactly one *.ks beside appliance.xml"));
        }
        else
        {
            var read = KickstartParser.Load(kickstarts[0]);
            problems.AddRange(read.Problems);
            kickstart = read.Kickstart;
        }
        if (kickstart is not null)
        {
            CheckRepositories(kickstart, problems);
            if (!IsRpm(kickstart))
                CheckDebianPackages(kickstart, problems);
            CheckWithoutEffect(kickstart, problems);
        }

        var puppet = Path.Combine(folder, PuppetFolderName);
        string? puppetFolder = null;
        if (Directory.Exists(puppet))
        {
            puppetFolder = puppet;
            var site = Path.Combine(puppet, "manifests", "site.pp");
            if (!File.Exists(site))
                problems.Add(new RecipeProblem(Severity.Error, new SourceLocation(puppet, 0, 0), "puppet/ has no manifests/site.pp",
                    "write puppet/manifests/site.pp with the appliance's classes, e.g. 'include calendar'"));
            problems.AddRange(await PuppetValidator.ValidateAsync(PuppetFiles(puppet), cancellationToken).ConfigureAwait(false));
        }

        IReadOnlyList<PlannedDisk> disks = [];
        if (descriptor is { Name: { } name } && kickstart is not null && !problems.Any(IsError))
            disks = DiskLayout.Plan(name, descriptor, kickstart, problems);

        if (problems.Any(IsError) || descriptor is null || kickstart is null)
            throw new RecipeInvalidException(folder, problems);
        return new Recipe(folder, descriptor, kickstart, puppetFolder, disks, [.. problems]);
    }

    /// <summary>Every manifest and EPP template under a Puppet tree, in a stable order.</summary>
    public static IReadOnlyList<string> PuppetFiles(string puppetFolder) =>
        [.. Directory.EnumerateFiles(puppetFolder, "*.pp", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    private static void CheckRepositories(Kickstart kickstart, List<RecipeProblem> problems)
    {
        if (kickstart.Repos.Count == 0)
            problems.Add(new RecipeProblem(Severity.Error, new SourceLocation(kickstart.Path, 0, 0), "the kickstart names no package repository",
                "add e.g. repo --name=debian --baseurl=http://deb.debian.org/debian --suite=bookworm --components=main"));
        if (IsRpm(kickstart))
        {
            // dnf --installroot: read and checked here, never run where this is developed (no RPM repository is reachable).
            problems.Add(new RecipeProblem(Severity.Warning, kickstart.Repos[0].Location, "RPM repositories: build makes the root with dnf --installroot (untested)",
                "the host needs dnf; write repository URLs without $releasever"));
            return;
        }
        foreach (var repo in kickstart.Repos.Where(repo => repo.Suite is null))
            problems.Add(new RecipeProblem(Severity.Error, repo.Location, $"repo '{repo.Name}' has no --suite, and the other repositories are Debian's",
                "build makes Debian roots with mmdebstrap, which needs the suite: add --suite=bookworm (and --components=main)"));
        var suites = kickstart.Repos.Where(repo => repo.Suite is not null).Select(repo => repo.Suite!).ToList();
        if (suites.Count == kickstart.Repos.Count && suites.Count > 0 && !kickstart.Repos.Any(repo => repo.Suite is { } suite && !suite.Contains('-', StringComparison.Ordinal)))
            problems.Add(new RecipeProblem(Severity.Error, kickstart.Repos[0].Location, "no repo names a release suite (e.g. bookworm); only updates or security suites",
                "add the release itself: repo --name=debian --baseurl=http://deb.debian.org/debian --suite=bookworm"));
    }

    /// <summary>What dnf knows and mmdebstrap does not: package groups, exclusions, missing packages skipped.</summary>
    private static void CheckDebianPackages(Kickstart kickstart, List<RecipeProblem> problems)
    {
        var packages = kickstart.Packages;
        foreach (var group in packages.Groups)
            problems.Add(new RecipeProblem(Severity.Error, packages.Location, $"@{group}: Debian has no package groups",
                "name the packages; Debian's tasks are packages too (e.g. task-web-server)"));
        if (packages.Excluded.Count > 0)
            problems.Add(new RecipeProblem(Severity.Warning, packages.Location, $"-{string.Join(", -", packages.Excluded)}: ignored on Debian",
                "mmdebstrap installs only the required packages, those you name and their dependencies; remove the line"));
        if (packages.IgnoreMissing)
            problems.Add(new RecipeProblem(Severity.Warning, packages.Location, "--ignoremissing: ignored on Debian, a missing package fails the build",
                "name only packages the repositories have"));
    }

    /// <summary>Options the parser reads that change nothing in a built image: said, so that nobody relies on them.</summary>
    private static void CheckWithoutEffect(Kickstart kickstart, List<RecipeProblem> problems)
    {
        foreach (var repo in kickstart.Repos.Where(repo => repo.Cost is not null))
            problems.Add(new RecipeProblem(Severity.Warning, repo.Location, $"repo '{repo.Name}': --cost is ignored", "build uses every repository the kickstart names"));
        var packages = kickstart.Packages;
        if (packages.NoCore)
            problems.Add(new RecipeProblem(Severity.Warning, packages.Location, "--nocore is ignored", "build installs only the minimal base, what %packages names and their dependencies"));
        if (packages.InstLangs is not null)
            problems.Add(new RecipeProblem(Severity.Warning, packages.Location, "--instLangs is ignored", "leave translations out with --excludedocs or a %post script"));
    }

    /// <summary>A kickstart whose repositories are all RPM ones (no --suite): its root is made with dnf.</summary>
    public static bool IsRpm(Kickstart kickstart) =>
        kickstart?.Repos.Count > 0 && kickstart.Repos.All(repo => repo.Suite is null);

    private static bool IsError(RecipeProblem problem) => problem.Severity == Severity.Error;

    private static RecipeProblem FromDescriptor(DescriptorProblem problem) => new(problem.Severity, problem.Location, problem.Message, problem.Hint);
}
