using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Recipes;

/// <summary>A recipe (or a site's Puppet module) has errors; carries all of them, located (exit code 3).</summary>
public class RecipeInvalidException : InvalidInputException
{
    public RecipeInvalidException(string source, IReadOnlyList<RecipeProblem> problems)
        : this(problems, $"{source}: the recipe is not valid ({ErrorCount(problems)} error(s))")
    {
    }

    /// <summary>For a kind of input with a message of its own (a site's Puppet module).</summary>
    protected RecipeInvalidException(IReadOnlyList<RecipeProblem> problems, string message)
        : base(message)
    {
        Problems = problems;
        Hint = "fix each problem listed; each names its file, line and column";
    }

    public IReadOnlyList<RecipeProblem> Problems { get; }

    protected static int ErrorCount(IReadOnlyList<RecipeProblem> problems) =>
        problems?.Count(problem => problem.Severity == Severity.Error) ?? 0;
}
