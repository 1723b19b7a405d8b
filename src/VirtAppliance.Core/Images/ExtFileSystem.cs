using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Images;

/// <summary>An ext2/3/4 file system written straight onto a raw image, with no partition table (how our appliances' user disks are made).</summary>
public static class ExtFileSystem
{
    private const int SuperblockOffset = 1024;
    private const int MagicOffset = 56;
    private const ushort Magic = 0xEF53;

    /// <summary>Whether the raw image starts with an ext superblock (a partitioned disk has its partition table there instead).</summary>
    public static bool IsBare(string rawImage)
    {
        using var file = File.OpenRead(rawImage);
        Span<byte> magic = stackalloc byte[2];
        file.Position = SuperblockOffset + MagicOffset;
        return file.Read(magic) == 2 && BitConverter.ToUInt16(magic) == Magic;
    }

    /// <summary>
    /// Grows the file system to fill its image, which must not be in use: e2fsck first (resize2fs refuses a file
    /// system not checked since it was last mounted), in preen mode, which only makes fixes that are always safe.
    /// </summary>
    /// <exception cref="IntegrityException">e2fsck found problems it would not fix on its own: nothing was resized.</exception>
    public static async Task GrowAsync(string rawImage, CancellationToken cancellationToken)
    {
        var check = await ExternalTool.RunUncheckedAsync("e2fsck", ["-f", "-p", rawImage], cancellationToken: cancellationToken).ConfigureAwait(false);
        // 0: clean, 1: errors corrected; anything else needs a person.
        if (check.ExitCode is not (0 or 1))
            throw new IntegrityException($"{rawImage}: e2fsck found problems it will not fix unattended (exit {check.ExitCode}): {(check.Stdout + check.Stderr).Trim()}")
            {
                Hint = $"the disk was enlarged but its file system was not; check it with 'e2fsck -f {rawImage}', then run grow again",
            };
        await ExternalTool.RunAsync("resize2fs", [rawImage], "the disk was enlarged but its file system was not; see resize2fs's message", cancellationToken)
            .ConfigureAwait(false);
    }
}
