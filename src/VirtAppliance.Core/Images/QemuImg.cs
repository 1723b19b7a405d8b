using System.Globalization;
using System.Text.Json;
using VirtAppliance.Core.Errors;
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

    /// <summary>Detects an image's format with <c>qemu-img info</c> (probing is fine here: the image is the caller's own, not a package's).</summary>
    /// <exception cref="ConflictException">A running VM holds the image (qemu-img cannot get its lock).</exception>
    /// <exception cref="InvalidInputException">qemu-img cannot read the image.</exception>
    public static async Task<QemuImageInfo> InfoAsync(string path, CancellationToken cancellationToken)
    {
        var result = await ExternalTool.RunUncheckedAsync("qemu-img", ["info", "--output=json", path], cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            var why = result.Stderr.Trim();
            if (why.Contains("lock", StringComparison.OrdinalIgnoreCase))
                throw new ConflictException($"{path}: the image is in use: {why}") { Hint = "shut the VM that uses it off first" };
            throw new InvalidInputException($"{path}: qemu-img cannot read the image: {why}") { Hint = "check it with 'qemu-img check'" };
        }
        using var json = JsonDocument.Parse(result.Stdout);
        var root = json.RootElement;
        var format = root.GetProperty("format").GetString() ?? "raw";
        var backing = root.TryGetProperty("backing-filename", out var backingFile) ? backingFile.GetString() : null;
        return new QemuImageInfo(format, DiskFormatSpelling.TryParseDriverType(format, out var known) ? known : null,
            root.GetProperty("virtual-size").GetInt64(), backing);
    }

    /// <summary>
    /// Converts an image (a backing chain is flattened into one image); the result is sparse. The
    /// source format is always given, never probed.
    /// </summary>
    public static Task ConvertAsync(string source, string sourceFormat, string target, string targetFormat, CancellationToken cancellationToken) =>
        ExternalTool.RunAsync("qemu-img", ["convert", "-f", sourceFormat, "-O", targetFormat, source, target], Hint, cancellationToken);

    /// <summary>Grows an image to <paramref name="bytes"/> (a raw file stays sparse); the format is given, never probed.</summary>
    public static Task ResizeAsync(string path, DiskFormat format, long bytes, CancellationToken cancellationToken) =>
        ExternalTool.RunAsync("qemu-img", ["resize", "-q", "-f", format.ToText(), path, bytes.ToString(CultureInfo.InvariantCulture)], Hint, cancellationToken);
}
