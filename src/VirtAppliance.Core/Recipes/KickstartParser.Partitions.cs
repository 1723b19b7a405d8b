namespace VirtAppliance.Core.Recipes;

public static partial class KickstartParser
{
    /// <summary>The file systems a partition may have.</summary>
    public static IReadOnlyList<string> FileSystems { get; } = ["ext4", "ext3", "ext2", "swap", "vfat", "xfs"];

    /// <summary>The largest size a partition may ask for: 64 TiB.</summary>
    public const long MaxPartitionMiB = 64L * 1024 * 1024;

    private const string NoEncryption = "encrypted partitions are not supported: the image would need its passphrase at every boot";

    private static readonly KickstartOption[] PartitionOptions =
    [
        KickstartOption.Value("--size"),
        KickstartOption.Flag("--grow"),
        KickstartOption.Value("--maxsize"),
        KickstartOption.Value("--fstype"),
        KickstartOption.Value("--ondisk"),
        KickstartOption.Value("--ondrive", "--ondisk"),
        KickstartOption.Value("--label"),
        KickstartOption.Value("--fsoptions"),
        new("--asprimary", false, KickstartOptionUse.Accepted),
        KickstartOption.Ignored("--recommended", false, "the installer sized it from the machine's memory; give --size in MiB"),
        KickstartOption.Ignored("--hibernation", false, "the installer sized it from the machine's memory; give --size in MiB"),
        KickstartOption.Ignored("--fsprofile", true, NotCarried),
        KickstartOption.Ignored("--mkfsoptions", true, NotCarried),
        KickstartOption.Ignored("--onbiosdisk", true, "name the descriptor's disk with --ondisk"),
        KickstartOption.Refused("--percent", true, "give --size in MiB, or --grow to fill the rest of the disk"),
        KickstartOption.Refused("--onpart", true, "the build creates every partition on new disks; drop --onpart and give --size and --ondisk"),
        KickstartOption.Refused("--usepart", true, "the build creates every partition on new disks; drop --usepart and give --size and --ondisk"),
        KickstartOption.Refused("--noformat", false, "the build creates and formats every partition on new disks"),
        KickstartOption.Refused("--resize", false, "the build creates every partition on new disks"),
        KickstartOption.Refused("--encrypted", false, NoEncryption),
        KickstartOption.Refused("--passphrase", true, NoEncryption),
        KickstartOption.Refused("--cipher", true, NoEncryption),
        KickstartOption.Refused("--luks-version", true, NoEncryption),
        KickstartOption.Refused("--escrowcert", true, NoEncryption),
        KickstartOption.Refused("--backuppassphrase", false, NoEncryption),
        KickstartOption.Refused("--pbkdf", true, NoEncryption),
        KickstartOption.Refused("--pbkdf-memory", true, NoEncryption),
        KickstartOption.Refused("--pbkdf-time", true, NoEncryption),
        KickstartOption.Refused("--pbkdf-iterations", true, NoEncryption),
    ];

    private static void ReadPartition(List<KickstartToken> tokens, ParseState state)
    {
        var context = state.Context;
        var arguments = KickstartArguments.Parse(tokens, PartitionOptions, context);
        var command = arguments.Command;
        if (arguments.Single("a mount point", $"{command.Text} / --size=4096 --grow") is not { } mount)
            return;
        var valid = CheckMountPoint(mount, context);

        var grow = arguments.Has("--grow");
        var size = arguments.Integer("--size", 1, MaxPartitionMiB, "MiB");
        if (!arguments.Has("--size") && !grow)
        {
            context.Error(command, $"the partition {mount.Text} has no --size", "give --size=MiB, or --grow to fill the rest of the disk");
            valid = false;
        }
        var maxSize = arguments.Integer("--maxsize", 1, MaxPartitionMiB, "MiB");
        if (arguments.Token("--maxsize") is { } maxToken)
        {
            if (!grow)
                context.Warning(maxToken, "--maxsize without --grow has no effect", "add --grow, or remove --maxsize");
            else if (maxSize < size)
                context.Error(maxToken, $"--maxsize {maxSize} is smaller than --size {size}", "make --maxsize at least --size");
        }

        var swap = mount.Text == "swap";
        var fsType = arguments.Value("--fstype") ?? (swap ? "swap" : "ext4");
        if (!FileSystems.Contains(fsType))
        {
            context.Error(arguments.Token("--fstype")!.Value, $"'{fsType}' is not a file system the build can make",
                $"use one of: {string.Join(", ", FileSystems)}");
            valid = false;
        }
        else if (swap != (fsType == "swap"))
        {
            context.Error(arguments.Token("--fstype")!.Value,
                swap ? $"the swap partition has --fstype={fsType}" : $"the partition {mount.Text} has --fstype=swap",
                "swap is a mount point of its own: write 'part swap --size=MiB'");
            valid = false;
        }

        if (!swap && valid && state.MountPointLines.TryGetValue(mount.Text, out var firstLine))
        {
            context.Error(mount, $"the mount point {mount.Text} is declared twice; the first is on line {firstLine}", "keep one partition for each mount point");
            return;
        }
        if (!valid || size is null && !grow)
            return;
        state.MountPointLines.TryAdd(mount.Text, mount.Line);
        state.Partitions.Add(new KickstartPartition(mount.Text, size ?? 1, grow, grow ? maxSize : null, fsType,
            arguments.NonEmpty("--ondisk"), arguments.NonEmpty("--label"), arguments.NonEmpty("--fsoptions"), context.At(command)));
    }

    private static bool CheckMountPoint(KickstartToken mount, KickstartContext context)
    {
        var text = mount.Text;
        if (text == "swap")
            return true;
        if (text.StartsWith("pv.", StringComparison.Ordinal) || text.StartsWith("raid.", StringComparison.Ordinal)
            || text.StartsWith("btrfs.", StringComparison.Ordinal))
        {
            context.Error(mount, $"'{text}' is a member of LVM, RAID or btrfs", PlainPartitions);
            return false;
        }
        if (text is "biosboot" or "prepboot" or "appleboot")
        {
            context.Error(mount, $"'{text}' is a boot partition for the installer's boot loader setup", "remove it; declare only file systems and swap");
            return false;
        }
        if (!IsNormalisedAbsolute(text))
        {
            context.Error(mount, $"the mount point '{text}' is not an absolute, normalised path",
                "write it like /var/lib/data: starting with /, without a trailing /, '//', '.' or '..'; or write swap");
            return false;
        }
        return true;
    }

    private static bool IsNormalisedAbsolute(string path) =>
        path == "/" || path.StartsWith('/') && path[1..].Split('/').All(segment =>
            segment.Length > 0 && segment is not "." and not ".." && !segment.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)));
}
