using System.Globalization;
using System.Text;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Recipes;

/// <summary>
/// Writes one disk image without mounting anything: each partition's file system is made from its folder
/// (mke2fs -d) in a file of its own, with fixed UUIDs, hash seed and times; the GPT comes from sfdisk; the
/// partitions are copied in at their offsets, holes kept.
/// </summary>
internal static class DiskImageWriter
{
    private const string LinuxFileSystem = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";
    private const string LinuxSwap = "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F";
    private const long SectorsPerMiB = 2048;

    public static async Task WriteAsync(
        PlannedDisk disk, IReadOnlyDictionary<PlannedPartition, string> trees, string root, string work, string image, long epoch, CancellationToken cancellationToken)
    {
        await using (var file = new FileStream(image, FileMode.CreateNew, FileAccess.Write))
            file.SetLength(disk.SizeMiB * 1024 * 1024);
        if (disk.Partitions.Count == 0)
            return;

        var table = new StringBuilder();
        table.Append(CultureInfo.InvariantCulture, $"label: gpt\nlabel-id: {disk.DiskUuid}\nunit: sectors\nfirst-lba: {SectorsPerMiB}\n");
        foreach (var part in disk.Partitions)
        {
            table.Append(CultureInfo.InvariantCulture,
                $"start={part.StartMiB * SectorsPerMiB}, size={part.SizeMiB * SectorsPerMiB}, type={(part.IsSwap ? LinuxSwap : LinuxFileSystem)}, uuid={part.PartitionUuid}, name=\"{Label(part)}\"\n");
        }
        var tableFile = Path.Combine(work, $"{disk.Disk.Id}.sfdisk");
        await File.WriteAllTextAsync(tableFile, table.ToString(), cancellationToken).ConfigureAwait(false);
        await ExternalTool.RunAsync("sh", ["-c", "sfdisk --quiet --no-reread --no-tell-kernel \"$1\" <\"$2\"", "sfdisk", image, tableFile], null, cancellationToken)
            .ConfigureAwait(false);

        foreach (var part in disk.Partitions)
        {
            var partImage = Path.Combine(work, $"{disk.Disk.Id}-{part.Number}.img");
            if (part.IsSwap)
                await MakeSwapAsync(part, partImage, cancellationToken).ConfigureAwait(false);
            else
                await MakeFileSystemAsync(part, part.MountPoint == "/" ? root : trees[part], partImage, work, epoch, cancellationToken).ConfigureAwait(false);
            await ExternalTool.RunAsync("dd", [$"if={partImage}", $"of={image}", "bs=1M", $"seek={part.StartMiB}", "conv=notrunc,sparse", "status=none"], null, cancellationToken)
                .ConfigureAwait(false);
            File.Delete(partImage);
        }
    }

    /// <summary>The GPT name and file system label: the kickstart's --label, else from the mount point (ext4 labels are 16 bytes).</summary>
    public static string Label(PlannedPartition part)
    {
        ArgumentNullException.ThrowIfNull(part);
        var label = part.Part.Label ?? (part.MountPoint == "/" ? "root" : part.IsSwap ? "swap" : part.MountPoint.TrimEnd('/').Split('/')[^1]);
        return label.Length > 16 ? label[..16] : label;
    }

    private static async Task MakeSwapAsync(PlannedPartition part, string partImage, CancellationToken cancellationToken)
    {
        await using (var file = new FileStream(partImage, FileMode.CreateNew, FileAccess.Write))
            file.SetLength(part.SizeMiB * 1024 * 1024);
        await ExternalTool.RunAsync("mkswap", ["-U", part.FileSystemUuid, "-L", Label(part), partImage], null, cancellationToken).ConfigureAwait(false);
    }

    private static async Task MakeFileSystemAsync(PlannedPartition part, string tree, string partImage, string work, long epoch, CancellationToken cancellationToken)
    {
        var usedKiB = long.Parse((await ExternalTool.RunAsync("du", ["-sk", "-x", tree], null, cancellationToken).ConfigureAwait(false)).Split('\t')[0],
            CultureInfo.InvariantCulture);
        // ext4 keeps about 5 % for its own tables and journal at these sizes.
        if (usedKiB / 1024 > part.SizeMiB * 90 / 100)
        {
            throw new RecipeBuildException(
                $"{part.Location}: partition {part.MountPoint} has {part.SizeMiB} MiB and its files take {usedKiB / 1024} MiB",
                [$"raise --size of {part.MountPoint} (or the disk's size in appliance.xml, for a --grow partition) to at least {usedKiB / 1024 * 5 / 4} MiB"], null);
        }
        var owner = (await ExternalTool.RunAsync("stat", ["-c", "%u:%g", tree], null, cancellationToken).ConfigureAwait(false)).Trim();
        var environment = new Dictionary<string, string> { ["E2FSPROGS_FAKE_TIME"] = epoch.ToString(CultureInfo.InvariantCulture) };
        var seed = DiskLayout.DerivedUuid(part.FileSystemUuid, "hash seed");
        var result = await ExternalTool.RunUncheckedAsync("mke2fs",
            ["-q", "-F", "-t", part.FsType, "-L", Label(part), "-U", part.FileSystemUuid, "-E", $"root_owner={owner},hash_seed={seed}",
                "-d", tree, partImage, $"{part.SizeMiB}M"], environment, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.ExitCode != 0)
            throw new RecipeBuildException($"{part.Location}: making the {part.FsType} file system of {part.MountPoint} failed", [result.Stderr.Trim()], null);

        // mke2fs -d copies each file's ctime (which touch cannot set) and atime: both become the epoch in the image.
        var stamp = $"@{epoch.ToString(CultureInfo.InvariantCulture)}";
        var commands = new StringBuilder();
        var mode = Convert.ToString((int)File.GetUnixFileMode(tree), 8);
        commands.Append(CultureInfo.InvariantCulture, $"set_inode_field / mode 040{mode}\n");
        foreach (var field in (string[])["ctime", "atime", "mtime"])
            commands.Append(CultureInfo.InvariantCulture, $"set_inode_field / {field} {stamp}\n");
        var entries = await ExternalTool.RunAsync("find", [tree, "-xdev", "-mindepth", "1", "-printf", "%P\\n"], null, cancellationToken).ConfigureAwait(false);
        foreach (var entry in entries.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(entry => !entry.Contains('"', StringComparison.Ordinal)))
        {
            commands.Append(CultureInfo.InvariantCulture, $"set_inode_field \"/{entry}\" ctime {stamp}\n");
            commands.Append(CultureInfo.InvariantCulture, $"set_inode_field \"/{entry}\" atime {stamp}\n");
        }
        var script = Path.Combine(work, "debugfs.cmd");
        await File.WriteAllTextAsync(script, commands.ToString(), cancellationToken).ConfigureAwait(false);
        var times = await ExternalTool.RunUncheckedAsync("debugfs", ["-w", "-f", script, partImage], environment, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (times.ExitCode != 0)
            throw new Errors.VirtApplianceException($"debugfs could not fix the file times of {part.MountPoint}: {times.Stderr.Trim()}");
    }
}
