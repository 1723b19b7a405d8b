using System.CommandLine;
using System.Diagnostics;
using VirtAppliance.Cli.Rendering;
using VirtAppliance.Core.Recipes;
using VirtAppliance.Web.Contracts;

namespace VirtAppliance.Cli.Commands;

/// <summary>build: a recipe into an appliance folder.</summary>
internal static class BuildCommand
{
    public static Command Create(GlobalOptions globals, Output output)
    {
        var recipe = new Argument<string>("RECIPE") { Description = "The recipe folder: appliance.xml (disks with sizes, no files), one *.ks, puppet/" };
        var target = new Option<string?>("--output", "-o") { Description = "The appliance folder to write (default NAME-VERSION here)", HelpName = "DIR" };
        var cache = new Option<string?>("--cache") { Description = $"Keep downloaded packages here between builds (default {BuildOptions.DefaultCacheFolder})", HelpName = "DIR" };
        var force = new Option<bool>("--force") { Description = "Replace the output folder when it is not empty" };
        var keepWork = new Option<bool>("--keep-work") { Description = "Keep the work folder (root tree, logs) to look into a failed build" };
        var checkOnly = new Option<bool>("--check") { Description = "Only read and check the recipe (descriptor, kickstart, puppet parser validate)" };
        var command = new Command("build", $"""
            Build an appliance from a recipe: a Debian root from the kickstart's repositories and
            %packages (mmdebstrap, packages cached), the kickstart's settings, the Puppet module
            applied inside it (build phase: services enabled, not started), the %post scripts; then
            the kickstart's partitions laid out on the descriptor's disks without mounting anything,
            and appliance.xml with checksums, direct kernel boot and the package versions. The
            appliance applies puppet/ again on its first boot with the site's values. Equal recipes
            and package versions give equal disk digests. Needs root.

            Examples:
              virt-appliance build examples/kronolith
              virt-appliance build ./my-recipe -o /var/tmp/my-appliance --force
              virt-appliance build ./my-recipe --check
            """)
        {
            recipe, target, cache, force, keepWork, checkOnly,
        };
        CliApplication.SetHandler(command, globals, output, async (context, cancellationToken) =>
        {
            var build = context.Services.Build;
            if (context.Get(checkOnly))
            {
                var checkedRecipe = await build.CheckAsync(context.Get(recipe), cancellationToken).ConfigureAwait(false);
                if (context.Json)
                {
                    context.Output.Json(new
                    {
                        Recipe = checkedRecipe.Folder, checkedRecipe.Name, checkedRecipe.Version, Kickstart = checkedRecipe.Kickstart.Path,
                        Disks = checkedRecipe.Disks.Select(disk => new
                        {
                            disk.Disk.Id, disk.SizeMiB,
                            Partitions = disk.Partitions.Select(part => new { part.MountPoint, part.FsType, part.StartMiB, part.SizeMiB }),
                        }),
                        Warnings = checkedRecipe.Warnings.Select(ProblemJson.From),
                    });
                    return ExitCodes.Success;
                }
                context.Output.Problems(checkedRecipe.Warnings);
                context.Output.Line($"{checkedRecipe.Folder}: recipe {checkedRecipe.Name}@{checkedRecipe.Version} is valid");
                foreach (var disk in checkedRecipe.Disks)
                {
                    context.Output.Line($"  {disk.Disk.Id} ({disk.Disk.Role.ToString().ToLowerInvariant()}, {disk.SizeMiB} MiB): " +
                        (disk.Partitions.Count == 0 ? "empty" : string.Join(", ", disk.Partitions.Select(part => $"{part.MountPoint} {part.FsType} {part.SizeMiB} MiB"))));
                }
                return ExitCodes.Success;
            }

            var clock = Stopwatch.StartNew();
            IProgress<BuildProgress>? progress = context.Json ? null : new PhaseLines(context.Output, clock);
            var result = await build.BuildAsync(context.Get(recipe), context.Get(target), context.Get(cache), context.Get(force), context.Get(keepWork),
                progress, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.Output.Json(new
                {
                    result.Name, result.Version, Folder = result.OutputFolder, Descriptor = result.DescriptorPath, result.Disks,
                    Packages = result.Packages.Count,
                    Timings = result.Timings.Select(timing => new { Phase = timing.Phase.ToString().ToLowerInvariant(), Seconds = Math.Round(timing.Duration.TotalSeconds, 1) }),
                    Warnings = result.Warnings.Select(ProblemJson.From),
                    result.WorkFolder,
                });
                return ExitCodes.Success;
            }
            context.Output.Problems(result.Warnings);
            context.Output.Line($"{result.OutputFolder}: {result.Name}@{result.Version} built in {clock.Elapsed.TotalSeconds:0} s, {result.Packages.Count} packages");
            foreach (var disk in result.Disks)
                context.Output.Line($"  {disk.File}: {disk.Role}, {Sizes.Bytes(disk.SizeBytes)} ({Sizes.Bytes(disk.AllocatedBytes)} allocated), sha256 {disk.Sha256}");
            context.Output.Line("  " + string.Join(", ", result.Timings.Select(timing => $"{timing.Phase.ToString().ToLowerInvariant()} {timing.Duration.TotalSeconds:0.0} s")));
            if (result.WorkFolder is not null)
                context.Output.Line($"  work folder kept: {result.WorkFolder}");
            context.Output.Line($"next: virt-appliance pack {result.OutputFolder}");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>One line per phase on stderr, with the time since the build started.</summary>
    private sealed class PhaseLines(Output output, Stopwatch clock) : IProgress<BuildProgress>
    {
        public void Report(BuildProgress value) =>
            output.Error($"build: [{(int)value.Phase + 1}/{Enum.GetValues<BuildPhase>().Length}] {value.Phase.ToString().ToLowerInvariant()}: {value.Message} ({clock.Elapsed.TotalSeconds:0} s)");
    }
}
