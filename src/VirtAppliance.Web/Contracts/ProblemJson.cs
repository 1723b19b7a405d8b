using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Recipes;

namespace VirtAppliance.Web.Contracts;

/// <summary>A descriptor problem as JSON: flat, with file/line/column spelled out.</summary>
public sealed record ProblemJson(string Severity, string File, int Line, int Column, string Message, string? Hint)
{
    public static ProblemJson From(DescriptorProblem problem) =>
        new(problem.Severity == Core.Descriptors.Severity.Error ? "error" : "warning",
            problem.Location.File, problem.Location.Line, problem.Location.Column, problem.Message, problem.Hint);

    public static ProblemJson From(RecipeProblem problem) =>
        new(problem.Severity == Core.Descriptors.Severity.Error ? "error" : "warning",
            problem.Location.File, problem.Location.Line, problem.Location.Column, problem.Message, problem.Hint);
}
