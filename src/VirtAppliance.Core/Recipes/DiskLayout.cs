using System.Security.Cryptography;
using System.Text;
using VirtAppliance.Core.Descriptors;

namespace VirtAppliance.Core.Recipes;

/// <summary>
/// Places the kickstart's partitions on the descriptor's disks (GPT, 1 MiB aligned, 1 MiB left at the end for
/// the backup table). Pure: every problem is reported with the part line it comes from.
/// </summary>
public static class DiskLayout
{
    /// <summary>File systems build can fill from a folder without mounting.</summary>
    public static readonly IReadOnlyList<string> SupportedFsTypes = ["ext4", "ext3", "ext2", "swap"];

    private const long AlignMiB = 1;
    private const long BackupTableMiB = 1;

    public static IReadOnlyList<PlannedDisk> Plan(string applianceName, ApplianceDescriptor descriptor, Kickstart kickstart, List<RecipeProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(kickstart);
        ArgumentNullException.ThrowIfNull(problems);
        var targets = descriptor.Boots.FirstOrDefault()?.Drives.ToDictionary(drive => drive.Target, drive => drive.DiskId, StringComparer.Ordinal)
            ?? new Dictionary<string, string>(StringComparer.Ordinal);
        var firstSystem = descriptor.Boots.FirstOrDefault()?.Drives
            .Select(drive => descriptor.Disks.FirstOrDefault(disk => disk.Id == drive.DiskId))
            .FirstOrDefault(disk => disk?.Role == DiskRole.System)
            ?? descriptor.Disks.FirstOrDefault(disk => disk.Role == DiskRole.System);
        var known = string.Join(", ", descriptor.Disks.Select(disk => disk.Id));

        var byDisk = descriptor.Disks.ToDictionary(disk => disk.Id, _ => new List<KickstartPartition>(), StringComparer.Ordinal);
        foreach (var part in kickstart.Partitions)
        {
            if (!SupportedFsTypes.Contains(part.FsType))
            {
                problems.Add(Error(part.Location, $"build cannot make a {part.FsType} file system for {part.MountPoint}",
                    $"use --fstype={string.Join(", ", SupportedFsTypes)}: build fills them from a folder without mounting"));
                continue;
            }
            DiskDescriptor? disk = part.OnDisk is null ? firstSystem
                : descriptor.Disks.FirstOrDefault(candidate => candidate.Id == part.OnDisk)
                  ?? (targets.TryGetValue(part.OnDisk, out var id) ? descriptor.Disks.FirstOrDefault(candidate => candidate.Id == id) : null);
            if (disk is null)
            {
                problems.Add(Error(part.Location, part.OnDisk is null
                        ? $"part {part.MountPoint} names no disk and the descriptor has no system disk"
                        : $"part {part.MountPoint}: --ondisk={part.OnDisk} is no disk of appliance.xml",
                    $"write --ondisk= with a disk id or target of appliance.xml ({known})"));
                continue;
            }
            if (disk.Role == DiskRole.Scratch)
                problems.Add(Error(part.Location, $"part {part.MountPoint} is on scratch disk '{disk.Id}', which deploy recreates empty",
                    "put it on a system or user disk"));
            else if (part.MountPoint == "/" && disk.Role != DiskRole.System)
                problems.Add(Error(part.Location, $"the root file system is on {disk.Role.ToString().ToLowerInvariant()} disk '{disk.Id}'",
                    "put / on a system disk: updates replace system disks and keep user disks"));
            else
                byDisk[disk.Id].Add(part);
        }

        var planned = new List<PlannedDisk>();
        foreach (var disk in descriptor.Disks)
        {
            var size = disk.SizeMiB ?? 0;
            var parts = byDisk[disk.Id];
            var growing = parts.Where(part => part.Grow).ToList();
            foreach (var extra in growing.Skip(1))
                problems.Add(Error(extra.Location, $"a second --grow partition on disk '{disk.Id}'", "let one partition per disk grow"));
            var fixedMiB = parts.Sum(part => Aligned(part.SizeMiB));
            var available = size - AlignMiB - BackupTableMiB;
            if (parts.Count > 0 && fixedMiB > available)
            {
                problems.Add(Error(parts[^1].Location, $"the partitions on disk '{disk.Id}' need {fixedMiB} MiB and the disk has {available} MiB for them",
                    $"make size=\"{fixedMiB + AlignMiB + BackupTableMiB}\" or more in appliance.xml, or lower --size"));
                continue;
            }
            var start = AlignMiB;
            var placed = new List<PlannedPartition>();
            for (var index = 0; index < parts.Count; index++)
            {
                var part = parts[index];
                var partSize = Aligned(part.SizeMiB);
                if (part.Grow && ReferenceEquals(part, growing[0]))
                {
                    partSize += available - fixedMiB;
                    if (part.MaxSizeMiB is { } max)
                        partSize = Math.Min(partSize, Math.Max(Aligned(part.SizeMiB), max));
                }
                placed.Add(new PlannedPartition(part, index + 1, start, partSize,
                    DerivedUuid(applianceName, $"partition {disk.Id} {part.MountPoint}"),
                    DerivedUuid(applianceName, $"filesystem {disk.Id} {part.MountPoint}")));
                start += partSize;
            }
            planned.Add(new PlannedDisk(disk, size, DerivedUuid(applianceName, $"disk {disk.Id}"), placed));
        }
        return planned;
    }

    /// <summary>A version-4-shaped UUID from a hash: equal inputs give equal disks (reproducible builds).</summary>
    public static string DerivedUuid(string applianceName, string what)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"virt-appliance {applianceName} {what}")));
        return $"{hash[..8]}-{hash[8..12]}-4{hash[13..16]}-8{hash[17..20]}-{hash[20..32]}";
    }

    private static long Aligned(long mib) => (Math.Max(mib, 1) + AlignMiB - 1) / AlignMiB * AlignMiB;

    private static RecipeProblem Error(SourceLocation at, string message, string hint) => new(Severity.Error, at, message, hint);
}
