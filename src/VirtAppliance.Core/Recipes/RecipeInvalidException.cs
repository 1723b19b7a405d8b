using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Recipes;

/// <summary>A recipe has errors; carries all of them (exit code 3).</summary>
public sealed class RecipeInvalidException : InvalidInputException
{
    public RecipeInvalidException(string source, IReadOnlyList<RecipeProblem> problems)
        : base($"{source}: the recipe is not valid ({problems.Count(problem => problem.Severity == Severity.Error)} error(s))")
    {
        Problems = problems;
        Hint = "fix each problem listed; each names its file, line and column";
    }

    public IReadOnlyList<RecipeProblem> Problems { get; }
}
