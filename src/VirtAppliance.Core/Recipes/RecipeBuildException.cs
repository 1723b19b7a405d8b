using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Recipes;

/// <summary>
/// The recipe's own work failed while building: a package the archive does not have, Puppet's build-phase run,
/// a %post script (exit 3). <see cref="Details"/> holds the lines of the log that say why.
/// </summary>
public sealed class RecipeBuildException : InvalidInputException
{
    public RecipeBuildException(string message, IReadOnlyList<string> details, string? logPath)
        : base(message)
    {
        Details = details;
        LogPath = logPath;
        Hint = logPath is null ? "fix the recipe and build again" : $"fix the recipe and build again; the whole log is {logPath} (build --keep-work keeps it)";
    }

    public IReadOnlyList<string> Details { get; }

    public string? LogPath { get; }
}
