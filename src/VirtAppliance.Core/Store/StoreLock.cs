using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Store;

/// <summary>
/// The store's exclusive lock: ROOT/.lock opened with FileShare.None, which .NET maps to
/// flock(LOCK_EX | LOCK_NB) on Unix. The kernel drops it when the process dies, so a crash
/// never leaves the store locked.
/// </summary>
internal sealed class StoreLock : IDisposable
{
    private readonly FileStream stream;

    private StoreLock(FileStream stream) => this.stream = stream;

    public static async Task<StoreLock> AcquireAsync(string path, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var start = timeProvider.GetTimestamp();
        while (true)
        {
            try
            {
                return new StoreLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (timeProvider.GetElapsedTime(start) < timeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new ConflictException($"the store is locked by another command ({path})") { Hint = $"wait for it to finish; {e.Message}" };
            }
        }
    }

    public void Dispose() => stream.Dispose();
}
