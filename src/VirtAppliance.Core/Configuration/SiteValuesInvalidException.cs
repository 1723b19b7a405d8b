using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Configuration;

/// <summary>The site values do not fit the appliance's parameters; every problem is listed at once (exit code 3).</summary>
public sealed class SiteValuesInvalidException : InvalidInputException
{
    public SiteValuesInvalidException(IReadOnlyList<SiteValueProblem> problems)
        : base(Describe(problems))
    {
        Problems = problems;
        Hint = "fix each value listed above (--set NAME=VALUE or a --values file); the appliance's <parameters> declare the names and types";
    }

    /// <summary>Every problem found, in the order of the input and then of the declared parameters.</summary>
    public IReadOnlyList<SiteValueProblem> Problems { get; }

    private static string Describe(IReadOnlyList<SiteValueProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var head = problems.Count == 1 ? "1 problem with the site values:" : $"{problems.Count} problems with the site values:";
        return head + string.Concat(problems.Select(problem => "\n  " + problem));
    }
}
