using System.Diagnostics;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Recipes;

namespace VirtAppliance.Core.Services;

/// <summary>build: a recipe (appliance.xml + kickstart + Puppet) into an appliance folder.</summary>
public sealed class BuildService
{
    /// <summary>Reads and checks a recipe without building it (build --check).</summary>
    public Task<Recipe> CheckAsync(string recipe, CancellationToken cancellationToken) => RecipeLoader.LoadAsync(recipe, cancellationToken);

    /// <param name="output">The appliance folder to write; default NAME-VERSION in the current folder.</param>
    /// <param name="cacheFolder">Where .deb files are kept between builds; default /var/cache/virt-appliance/packages.</param>
    public async Task<BuildResult> BuildAsync(
        string recipe, string? output, string? cacheFolder, bool force, bool keepWork, IProgress<BuildProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        progress?.Report(new BuildProgress(BuildPhase.Check, $"checking {recipe} (descriptor, kickstart, puppet parser validate)"));
        var loaded = await RecipeLoader.LoadAsync(recipe, cancellationToken).ConfigureAwait(false);
        var checkTime = clock.Elapsed;
        var options = new BuildOptions(output ?? Path.Combine(Environment.CurrentDirectory, $"{loaded.Name}-{loaded.Version}"))
        {
            CacheFolder = cacheFolder ?? BuildOptions.DefaultCacheFolder,
            Force = force,
            KeepWork = keepWork,
        };
        if (Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH") is { Length: > 0 } epoch)
        {
            if (!long.TryParse(epoch, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
                throw new InvalidInputException($"SOURCE_DATE_EPOCH is '{epoch}', not a number of seconds") { Hint = "set it to seconds since 1970 (e.g. 1700000000), or unset it" };
            options = options with { SourceDateEpoch = seconds };
        }
        var result = await RecipeBuilder.BuildAsync(loaded, options, progress, cancellationToken).ConfigureAwait(false);
        return result with { Timings = [new PhaseTiming(BuildPhase.Check, checkTime), .. result.Timings] };
    }
}
