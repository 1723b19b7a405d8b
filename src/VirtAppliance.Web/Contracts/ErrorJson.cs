using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Recipes;

namespace VirtAppliance.Web.Contracts;

/// <summary>The JSON body of a failure: what <c>--json</c> prints on stdout and what the REST API answers with.</summary>
public sealed record ErrorJson(ErrorDetailJson Error)
{
    /// <summary>The failure as JSON; <paramref name="exitCode"/> is <see cref="ExitCodes.For"/> unless the caller decided otherwise.</summary>
    public static ErrorJson From(Exception error, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new ErrorJson(new ErrorDetailJson(exitCode, ExitCodes.Kind(exitCode), error.Message, (error as VirtApplianceException)?.Hint, Problems(error),
            (error as RecipeBuildException)?.Details ?? [], OperationFailure.FailedStep(error), OperationFailure.FailedUndos(error)));
    }

    /// <summary>The located problems an invalid descriptor or recipe carries (empty for other failures).</summary>
    public static IReadOnlyList<ProblemJson> Problems(Exception error) => error switch
    {
        DescriptorInvalidException invalid => [.. invalid.Problems.Select(ProblemJson.From)],
        RecipeInvalidException invalid => [.. invalid.Problems.Select(ProblemJson.From)],
        _ => [],
    };
}

/// <param name="ExitCode">The CLI's exit code for this failure (the REST API's HTTP status is its class).</param>
/// <param name="Kind">usage, invalid_input, host_mismatch, integrity, hypervisor, not_found, conflict or unexpected.</param>
/// <param name="Hint">What to do.</param>
/// <param name="FailedStep">The step of an operation that failed (everything before it was undone).</param>
/// <param name="FailedUndo">Undo steps that failed in turn: what is left for a person to clean.</param>
public sealed record ErrorDetailJson(
    int ExitCode,
    string Kind,
    string Message,
    string? Hint,
    IReadOnlyList<ProblemJson> Problems,
    IReadOnlyList<string> Details,
    string? FailedStep,
    IReadOnlyList<string> FailedUndo);
