using System.Globalization;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Images;

/// <summary>Disk images made with the real qemu-img (overlays, empty disks) and sparse copies.</summary>
public static class QemuImg
{
    private const string Hint = "check free space and permissions in the store";

    /// <summary>A qcow2 overlay on <paramref name="backingFile"/>; the backing format is always given, never probed.</summary>
    public static Task CreateOverlayAsync(string backingFile, string backingFormat, string overlay, CancellationToken cancellationToken) =>
        ExternalTool.RunAsync("qemu-img", ["create", "-q", "-f", "qcow2", "-b", backingFile, "-F", backingFormat, overlay], Hint, cancellationToken);

    /// <summary>A new empty image; qcow2 or a sparse raw file.</summary>
    public static Task CreateAsync(string path, string format, long sizeBytes, CancellationToken cancellationToken) =>
        ExternalTool.RunAsync("qemu-img", ["create", "-q", "-f", format, path, sizeBytes.ToString(CultureInfo.InvariantCulture)], Hint, cancellationToken);

    /// <summary>Copies an image keeping its holes (the copy costs the allocated data, not the virtual size).</summary>
    public static Task SparseCopyAsync(string source, string target, CancellationToken cancellationToken) =>
        ExternalTool.RunAsync("cp", ["--sparse=always", "--reflink=auto", source, target], Hint, cancellationToken);
}
