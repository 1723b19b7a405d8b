using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Recipes;

/// <summary>A recipe (or a site's Puppet module) has errors; carries all of them, located (exit code 3).</summary>
public class RecipeInvalidException : InvalidInputException
{
    public RecipeInvalidException(string source, IReadOnlyList<RecipeProblem> problems)
        : this($"{source}: the recipe is not valid ({ErrorCount(problems)} error(s))", problems, located: true)
    {
    }

    /// <param name="located">Marks the constructor that takes the whole message.</param>
    protected RecipeInvalidException(string message, IReadOnlyList<RecipeProblem> problems, bool located)
        : base(message)
    {
        _ = located;
        Problems = problems;
        Hint = "fix each problem listed; each names its file, line and column";
    }

    public IReadOnlyList<RecipeProblem> Problems { get; }

    protected static int ErrorCount(IReadOnlyList<RecipeProblem> problems) =>
        problems?.Count(problem => problem.Severity == Severity.Error) ?? 0;
}
