using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Internal;

/// <summary>
/// An exclusive lock on a file (the store's ROOT/.lock, the build's package cache): the file opened with
/// FileShare.None, which .NET maps to flock(LOCK_EX | LOCK_NB) on Unix. The kernel drops it when the process dies,
/// so a crash never leaves anything locked.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private readonly FileStream stream;

    private FileLock(FileStream stream) => this.stream = stream;

    /// <param name="what">What the lock guards, for the message when it stays taken ("the store").</param>
    public static async Task<FileLock> AcquireAsync(string path, string what, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var start = timeProvider.GetTimestamp();
        while (true)
        {
            try
            {
                return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (timeProvider.GetElapsedTime(start) < timeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new ConflictException($"{what} is locked by another command ({path})") { Hint = $"wait for it to finish; {e.Message}" };
            }
        }
    }

    /// <summary>Takes the lock now or not at all: a command that finds it taken is refused rather than queued behind one that may run for minutes.</summary>
    /// <exception cref="ConflictException">Another command (in this process or another) holds it.</exception>
    public static FileLock TryAcquire(string path, string busyMessage, string hint)
    {
        try
        {
            return new FileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            throw new ConflictException(busyMessage) { Hint = hint };
        }
    }

    public void Dispose() => stream.Dispose();
}
