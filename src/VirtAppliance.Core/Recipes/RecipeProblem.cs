using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Recipes;

/// <summary>One thing wrong with a recipe (its kickstart, descriptor or modules), where it is, and what to do about it.</summary>
public sealed record RecipeProblem(Severity Severity, SourceLocation Location, string Message, string? Hint = null)
{
    public override string ToString() =>
        $"{Location}: {(Severity == Severity.Error ? "error" : "warning")}: {Message}" + (Hint is null ? "" : $" ({Hint})");
}
