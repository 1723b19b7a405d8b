using System.Text;

namespace VirtAppliance.Core.Images;

/// <summary>Detects an image's format and reads its header without trusting any of it.</summary>
public static class ImageInspector
{
    /// <summary>How many leading bytes detection looks at: enough for the ISO 9660 volume descriptor.</summary>
    internal const int HeadLength = 64 * 1024;

    private const int IsoSignatureOffset = (16 * 2048) + 1; // primary volume descriptor, "CD001"

    /// <summary>Detects the format from the first bytes of an image (up to <see cref="HeadLength"/>).</summary>
    public static DiskFormat DetectFormat(ReadOnlySpan<byte> head)
    {
        if (Qcow2Header.HasMagic(head))
            return DiskFormat.Qcow2;
        if (head.Length >= IsoSignatureOffset + 5 && head.Slice(IsoSignatureOffset, 5).SequenceEqual("CD001"u8))
            return DiskFormat.Iso;
        return DiskFormat.Raw;
    }

    /// <summary>Inspects the head of an image whose total length is <paramref name="fileLength"/>.</summary>
    /// <exception cref="InvalidDataException">A qcow2 header is malformed.</exception>
    public static ImageInfo Inspect(ReadOnlySpan<byte> head, long fileLength)
    {
        var format = DetectFormat(head);
        if (format != DiskFormat.Qcow2)
            return new ImageInfo(format, fileLength, fileLength, null, null);

        var header = Qcow2Header.Parse(head);
        string? backing = null;
        if (header.HasBackingFile)
        {
            var end = header.BackingFileOffset + header.BackingFileSize;
            backing = end <= (ulong)head.Length
                ? Encoding.UTF8.GetString(head.Slice((int)header.BackingFileOffset, (int)header.BackingFileSize))
                : "(name outside the header cluster)";
        }

        return new ImageInfo(DiskFormat.Qcow2, header.VirtualSize, fileLength, backing, header);
    }

    /// <summary>Inspects an image file, blocking; for callers that are synchronous (validation).</summary>
    /// <exception cref="InvalidDataException">A qcow2 header is malformed.</exception>
    public static ImageInfo Inspect(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var length = RandomAccess.GetLength(handle);
        var buffer = new byte[(int)Math.Min(HeadLength, length)];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = RandomAccess.Read(handle, buffer.AsSpan(read), read);
            if (n == 0)
                break;
            read += n;
        }

        return Inspect(buffer.AsSpan(0, read), length);
    }

    /// <summary>Inspects an image file.</summary>
    public static async Task<ImageInfo> InspectAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.Asynchronous);
        var length = RandomAccess.GetLength(handle);
        var buffer = new byte[(int)Math.Min(HeadLength, length)];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await RandomAccess.ReadAsync(handle, buffer.AsMemory(read), read, cancellationToken).ConfigureAwait(false);
            if (n == 0)
                break;
            read += n;
        }

        return Inspect(buffer.AsSpan(0, read), length);
    }
}
