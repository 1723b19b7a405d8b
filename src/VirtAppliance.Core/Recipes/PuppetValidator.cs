using System.Text.RegularExpressions;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Recipes;

/// <summary>Checks Puppet manifests with Puppet's own parser (<c>puppet parser validate</c>), one problem per error with its file:line:column.</summary>
public static partial class PuppetValidator
{
    public static async Task<IReadOnlyList<RecipeProblem>> ValidateAsync(IReadOnlyList<string> manifests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(manifests);
        if (manifests.Count == 0)
            return [];
        // One run for all: puppet reads every file and names the file of each error (Ruby's start-up is the slow part).
        var result = await ExternalTool.RunUncheckedAsync("puppet", ["parser", "validate", "--color=false", .. manifests],
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.ExitCode == 0)
            return [];
        var lines = (result.Stderr + "\n" + result.Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("Error:", StringComparison.Ordinal)).ToList();
        if (lines.Count == 0)
            lines.Add($"Error: puppet parser validate exited with {result.ExitCode}: {result.Stderr.Trim()}");
        // An error that names no file is placed at the first manifest.
        return [.. lines.Select(line => ToProblem(manifests[0], line))];
    }

    /// <summary>Turns "Error: … (file: F, line: L, column: C)" into a located problem.</summary>
    public static RecipeProblem ToProblem(string manifest, string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var message = line.StartsWith("Error:", StringComparison.Ordinal) ? line["Error:".Length..].Trim() : line.Trim();
        message = message.Replace("Could not parse for environment production: ", "", StringComparison.Ordinal);
        var location = new SourceLocation(manifest, 0, 0);
        if (Position().Match(message) is { Success: true } match)
        {
            location = new SourceLocation(match.Groups["file"].Value,
                match.Groups["line"].Success ? int.Parse(match.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0,
                match.Groups["column"].Success ? int.Parse(match.Groups["column"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0);
            message = message[..match.Index].TrimEnd();
        }
        return new RecipeProblem(Severity.Error, location, $"puppet: {message}", "fix the manifest; 'puppet parser validate FILE' shows the same");
    }

    [GeneratedRegex(@"\s*\(file: (?<file>[^,)]+)(, line: (?<line>\d+))?(, column: (?<column>\d+))?\)\s*$")]
    private static partial Regex Position();
}
