namespace VirtAppliance.Core.Tests.Packaging;

/// <summary>A 0755 folder under /var/tmp (QEMU's user must be able to read test disks), removed afterwards.</summary>
internal sealed class TestFolder : IDisposable
{
    public TestFolder()
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("the packaging tests run on Linux");
        Path = System.IO.Path.Combine("/var/tmp", $"va-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    public string Path { get; }

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        if (!OperatingSystem.IsLinux())
            return;

        // Installed files are read-only; make them writable so the folder can go.
        foreach (var entry in Directory.EnumerateFileSystemEntries(Path, "*", SearchOption.AllDirectories))
        {
            try
            {
                File.SetUnixFileMode(entry, File.GetUnixFileMode(entry) | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            catch (IOException)
            {
            }
        }

        Directory.Delete(Path, recursive: true);
    }
}
