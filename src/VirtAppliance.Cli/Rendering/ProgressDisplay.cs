using Spectre.Console;
using VirtAppliance.Core.Packaging;

namespace VirtAppliance.Cli.Rendering;

/// <summary>A progress bar on a terminal; nothing when output is JSON or not a terminal.</summary>
internal static class ProgressDisplay
{
    public static async Task<T> RunAsync<T>(Output output, bool json, string title, Func<IProgress<PackageProgress>?, Task<T>> work)
    {
        if (json || !output.IsInteractive)
            return await work(null).ConfigureAwait(false);
        T result = default!;
        await output.Console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(title, maxValue: 1);
                var progress = new SynchronousProgress(value =>
                {
                    task.Description = $"{title} {value.Path} ({value.FileIndex + 1}/{value.FileCount})";
                    task.MaxValue = Math.Max(1, value.BytesTotal);
                    task.Value = value.BytesDone;
                });
                result = await work(progress).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        return result;
    }

    /// <summary>Progress&lt;T&gt; posts to a thread pool and can report after the work ended; this reports in line.</summary>
    private sealed class SynchronousProgress(Action<PackageProgress> report) : IProgress<PackageProgress>
    {
        public void Report(PackageProgress value) => report(value);
    }
}
