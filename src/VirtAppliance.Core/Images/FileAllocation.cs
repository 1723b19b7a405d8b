using System.Runtime.InteropServices;

namespace VirtAppliance.Core.Images;

/// <summary>How many bytes a (possibly sparse) file occupies on disk; .NET exposes no st_blocks.</summary>
public static partial class FileAllocation
{
    public static long? AllocatedBytes(string path)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        try
        {
            // `du --block-size=1` would spawn a process per disk; read st_blocks via statx instead.
            var buffer = new byte[256];
            if (Statx(-100, path, 0, 0x400 /* STATX_BLOCKS */, buffer) != 0)
                return null;
            return (long)BitConverter.ToUInt64(buffer, 0x30) * 512;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, [Out] byte[] buffer);
}
