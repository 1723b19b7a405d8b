using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace VirtAppliance.Core.Packaging;

/// <summary>Finds the allocated extents of a file with lseek SEEK_DATA / SEEK_HOLE (.NET has no API for it).</summary>
internal static class FileExtents
{
    private const int SeekData = 3;
    private const int SeekHole = 4;
    private const int Enxio = 6;

    /// <summary>The data extents of a file, in order; the whole file when the file system cannot tell.</summary>
    public static List<(long Offset, long Length)> Find(SafeFileHandle handle, long length)
    {
        var extents = new List<(long, long)>();
        if (length == 0)
            return extents;
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsFreeBSD())
        {
            extents.Add((0, length));
            return extents;
        }

        var fd = (int)handle.DangerousGetHandle();
        long position = 0;
        while (position < length)
        {
            var data = Lseek(fd, position, SeekData);
            if (data < 0)
            {
                if (Marshal.GetLastPInvokeError() == Enxio)
                    break; // only a hole remains
                extents.Clear();
                extents.Add((0, length)); // no SEEK_DATA here: scan everything, zero chunks are still skipped
                return extents;
            }

            var hole = Lseek(fd, data, SeekHole);
            if (hole < 0 || hole > length)
                hole = length;
            if (hole > data)
                extents.Add((data, hole - data));
            position = hole;
        }

        return extents;
    }

    // DllImport with blittable arguments needs no unsafe code, unlike LibraryImport.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "lseek", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern long Lseek(int fd, long offset, int whence);
#pragma warning restore SYSLIB1054
}
