namespace VirtAppliance.Libvirt.Tests.Support;

/// <summary>
/// A folder for VM disks under /var/tmp with mode 0755, because QEMU runs as libvirt-qemu and
/// cannot traverse /root or mktemp's 0700 folders.
/// </summary>
internal sealed class ScratchFolder : IDisposable
{
    public ScratchFolder()
    {
        Path = System.IO.Path.Combine("/var/tmp", $"virt-appliance-libvirt-tests-{Guid.NewGuid():N}");
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("VM disks for libvirt tests need a Linux host.");
        }

        Directory.CreateDirectory(Path);
        File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
