namespace VirtAppliance.Core.Recipes;

/// <summary>What a build made: the appliance folder, its disks, the packages in it, how long each phase took.</summary>
public sealed record BuildResult(
    string Name,
    string Version,
    string OutputFolder,
    string DescriptorPath,
    IReadOnlyList<BuiltDisk> Disks,
    IReadOnlyList<InstalledPackage> Packages,
    IReadOnlyList<PhaseTiming> Timings,
    IReadOnlyList<RecipeProblem> Warnings,
    string? WorkFolder);
