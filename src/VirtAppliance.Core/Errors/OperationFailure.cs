namespace VirtAppliance.Core.Errors;

/// <summary>
/// What an operation that failed part-way says beside its error: the step it failed at, and the
/// undo steps that failed in turn. Carried on the original exception, so its type (and so the
/// exit code) stays the one of the first failure.
/// </summary>
public static class OperationFailure
{
    private const string StepKey = "virt-appliance.failed-step";
    private const string UndoKey = "virt-appliance.failed-undo";

    /// <summary>"deploy web-1: define", or null when the error did not come from a plan step.</summary>
    public static string? FailedStep(Exception error) => error?.Data[StepKey] as string;

    /// <summary>Undo steps that failed after the error, each with why; what they should have taken back is left as it is.</summary>
    public static IReadOnlyList<string> FailedUndos(Exception error) =>
        error?.Data[UndoKey] as IReadOnlyList<string> ?? [];

    internal static void Record(Exception error, string step, IReadOnlyList<string> failedUndos)
    {
        // The first plan to see the error names it; an enclosing plan must not overwrite the step.
        if (error.Data[StepKey] is null)
            error.Data[StepKey] = step;
        error.Data[UndoKey] = FailedUndos(error).Concat(failedUndos).ToList();
    }
}
