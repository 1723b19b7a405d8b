using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Recipes;

/// <summary>A checked recipe: the descriptor, the kickstart, the Puppet tree and where its disks go.</summary>
/// <param name="PuppetFolder">The recipe's <c>puppet/</c> folder (manifests/site.pp, modules/), or null.</param>
public sealed record Recipe(
    string Folder,
    ApplianceDescriptor Descriptor,
    Kickstart Kickstart,
    string? PuppetFolder,
    IReadOnlyList<PlannedDisk> Disks,
    IReadOnlyList<RecipeProblem> Warnings)
{
    public string Name => Descriptor.Name!;

    public string Version => Descriptor.Version ?? "1.0";

    /// <summary>The partition mounted on <c>/</c>.</summary>
    public PlannedPartition RootPartition => Disks.SelectMany(disk => disk.Partitions).Single(part => part.MountPoint == "/");
}
