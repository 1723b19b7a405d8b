using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Recipes;

namespace VirtAppliance.Core.Configuration;

/// <summary>A site's Puppet module cannot be used; carries every problem with its file, line and column (exit code 3).</summary>
public sealed class SitePuppetInvalidException : InvalidInputException
{
    public SitePuppetInvalidException(string module, IReadOnlyList<RecipeProblem> problems)
        : base($"{module}: the Puppet module cannot be used ({problems.Count(problem => problem.Severity == Severity.Error)} error(s)); nothing was changed")
    {
        Problems = problems;
        Hint = "fix each problem listed; each names its file, line and column";
    }

    public IReadOnlyList<RecipeProblem> Problems { get; }
}
