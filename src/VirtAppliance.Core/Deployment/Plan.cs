using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Deployment;

/// <summary>
/// An operation (deploy, update, rollback) as a short list of named steps, each with its undo.
/// <see cref="RunAsync"/> runs them in order; when one fails it undoes, newest first, every step
/// that ran (the failed one too: an undo cleans whatever part of its step happened), then throws
/// the first error with the failed step and any failed undo recorded on it (<see cref="OperationFailure"/>).
/// </summary>
internal sealed class Plan(string operation, PlanHooks? hooks)
{
    private readonly List<(string Name, Func<CancellationToken, Task> Run, Func<Task>? Undo)> steps = [];

    public string Operation { get; } = operation;

    /// <summary>The names of the steps in order, as errors and tests name them.</summary>
    public IReadOnlyList<string> StepNames => [.. steps.Select(step => step.Name)];

    public Plan Add(string name, Func<CancellationToken, Task> run, Func<Task>? undo = null)
    {
        steps.Add((name, run, undo));
        return this;
    }

    public Plan Add(string name, Func<CancellationToken, Task> run, Action undo) =>
        Add(name, run, () =>
        {
            undo();
            return Task.CompletedTask;
        });

    public Plan Add(string name, Action run, Func<Task> undo) =>
        Add(name, _ =>
        {
            run();
            return Task.CompletedTask;
        }, undo);

    public Plan Add(string name, Action run, Action? undo = null) =>
        Add(name, _ =>
        {
            run();
            return Task.CompletedTask;
        }, undo is null ? null : () =>
        {
            undo();
            return Task.CompletedTask;
        });

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        for (var position = 0; position < steps.Count; position++)
        {
            var (name, run, _) = steps[position];
            try
            {
                hooks?.BeforeStep?.Invoke(Operation, name);
                await run(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                var failedUndos = await UndoAsync(position).ConfigureAwait(false);
                OperationFailure.Record(error, $"{Operation}: {name}", failedUndos);
                throw;
            }
        }
    }

    /// <summary>Undoes steps <paramref name="last"/> … 0; never throws, since the first error is the one that matters.</summary>
    private async Task<List<string>> UndoAsync(int last)
    {
        var failed = new List<string>();
        for (var position = last; position >= 0; position--)
        {
            var (name, _, undo) = steps[position];
            if (undo is null)
                continue;
            try
            {
                hooks?.BeforeUndo?.Invoke(Operation, name);
                await undo().ConfigureAwait(false);
            }
            catch (Exception error)
            {
                failed.Add($"{Operation}: could not undo '{name}': {error.Message}");
            }
        }
        return failed;
    }
}
