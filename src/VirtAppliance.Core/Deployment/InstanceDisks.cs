using VirtAppliance.Core.Capabilities;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.DomainXml;
using VirtAppliance.Core.Images;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Deployment;

/// <summary>
/// A VM's own disks in its folder: a qcow2 overlay on each pristine system disk (never written),
/// a sparse copy of each user disk or a new one of the declared size, new scratch disks.
/// </summary>
internal static class InstanceDisks
{
    /// <summary>QEMU runs as libvirt-qemu and must reach the VM's disks.</summary>
    public const UnixFileMode PublicFolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <param name="keepUserDisks">On update: the user disks the VM has, attached again instead of new ones.</param>
    public static async Task<IReadOnlyList<InstanceDisk>> CreateAsync(
        InstalledAppliance installed, ApplianceDescriptor descriptor, HostChoice choice, string folder,
        IReadOnlyList<InstanceDisk>? keepUserDisks, CancellationToken cancellationToken)
    {
        var boot = descriptor.Boots[choice.BootIndex];
        var disks = new List<InstanceDisk>();
        foreach (var drive in boot.Drives)
        {
            var disk = descriptor.FindDisk(drive.DiskId)!;
            InstanceDisk created;
            switch (disk.Role)
            {
                case DiskRole.System when disk.Format == DiskFormat.Iso:
                    // A read-only CD-ROM needs no overlay: attach the pristine image.
                    created = new InstanceDisk(disk.Id, drive.Target, disk.Role, disk.Format, Path.Combine(installed.Path, disk.File!));
                    break;
                case DiskRole.System:
                    var overlay = SystemOverlayPath(folder, disk.Id, installed);
                    await QemuImg.CreateOverlayAsync(Path.Combine(installed.Path, disk.File!), disk.Format.ToText(), overlay, cancellationToken).ConfigureAwait(false);
                    created = new InstanceDisk(disk.Id, drive.Target, disk.Role, DiskFormat.Qcow2, overlay);
                    break;
                case DiskRole.User when keepUserDisks?.FirstOrDefault(kept => kept.DiskId == disk.Id) is { } kept:
                    created = kept with { Target = drive.Target };
                    break;
                case DiskRole.User when disk.File is not null:
                    var copy = Path.Combine(folder, $"user-{disk.Id}.{(disk.Format == DiskFormat.Raw ? "img" : disk.Format.ToText())}");
                    await QemuImg.SparseCopyAsync(Path.Combine(installed.Path, disk.File), copy, cancellationToken).ConfigureAwait(false);
                    File.SetUnixFileMode(copy, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                    created = new InstanceDisk(disk.Id, drive.Target, disk.Role, disk.Format, copy);
                    break;
                default:
                    var blank = Path.Combine(folder, $"{(disk.Role == DiskRole.User ? "user" : "scratch")}-{disk.Id}.qcow2");
                    if (File.Exists(blank))
                        File.Delete(blank);
                    await QemuImg.CreateAsync(blank, "qcow2", (disk.SizeMiB ?? 1024) * 1024 * 1024, cancellationToken).ConfigureAwait(false);
                    created = new InstanceDisk(disk.Id, drive.Target, disk.Role, DiskFormat.Qcow2, blank);
                    break;
            }
            disks.Add(created);
        }
        return disks;
    }

    public static string SystemOverlayPath(string folder, string diskId, InstalledAppliance installed) =>
        Path.Combine(folder, $"system-{diskId}-{installed.Version}-{installed.Release}.qcow2");

    /// <summary>Scratch disks start empty at every (re)definition; same virtual size as before.</summary>
    public static async Task RecreateScratchAsync(IEnumerable<InstanceDisk> disks, CancellationToken cancellationToken)
    {
        foreach (var scratch in disks.Where(disk => disk.Role == DiskRole.Scratch && disk.Format == DiskFormat.Qcow2 && File.Exists(disk.Path)))
        {
            var size = (await ImageInspector.InspectAsync(scratch.Path, cancellationToken).ConfigureAwait(false)).VirtualSize;
            File.Delete(scratch.Path);
            await QemuImg.CreateAsync(scratch.Path, "qcow2", size, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes the overlays among <paramref name="candidates"/> that <paramref name="kept"/> (and its rollback target) no longer use.</summary>
    public static void DeleteUnusedOverlays(InstanceRecord kept, IEnumerable<InstanceDisk> candidates)
    {
        var inUse = kept.Disks.Concat(kept.Previous?.Disks ?? []).Select(disk => disk.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var disk in candidates.Where(disk => disk.Role == DiskRole.System && !inUse.Contains(disk.Path) && disk.Path.StartsWith(kept.Folder, StringComparison.Ordinal)))
            File.Delete(disk.Path);
    }

    /// <summary>Deletes config disks of generations that neither <paramref name="kept"/> nor its rollback target attach.</summary>
    public static void DeleteUnusedConfigDisks(InstanceRecord kept)
    {
        var inUse = new[] { kept.ConfigDisk, kept.Previous is { ConfigGeneration: > 0 } previous ? kept.ConfigDiskOf(previous.ConfigGeneration) : null }
            .OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var disk in Directory.EnumerateFiles(kept.Folder, "config-*.iso").Where(disk => !inUse.Contains(disk) && disk != kept.PendingConfigDisk))
            File.Delete(disk);
    }

    /// <summary>Deletes the copies of site Puppet modules that neither what runs, what is pending nor the rollback target uses.</summary>
    public static void DeleteUnusedSiteModules(InstanceRecord kept)
    {
        var folder = Path.Combine(kept.Folder, "site-puppet");
        if (!Directory.Exists(folder))
            return;
        var inUse = kept.SitePuppet.Concat(kept.PendingSitePuppet ?? []).Concat(kept.Previous?.SitePuppet ?? [])
            .Select(kept.SiteModuleFolder).ToHashSet(StringComparer.Ordinal);
        foreach (var copy in Directory.EnumerateDirectories(folder).Where(copy => !inUse.Contains(copy)))
            Directory.Delete(copy, recursive: true);
    }

    /// <summary>The libvirt definition of <paramref name="record"/>: the appliance's boot on this host, with the VM's own disks.</summary>
    public static string DomainXml(ApplianceDescriptor descriptor, HostChoice choice, InstanceRecord record)
    {
        var network = InterfaceSource.Parse(record.Network);
        return DomainXmlWriter.Write(DomainXmlGenerator.Generate(descriptor, choice, new InstanceOptions
        {
            Name = record.Name,
            Uuid = record.Uuid,
            Network = network is UserInterfaceSource ? new UserInterfaceSource(record.Forwards) : network,
            FixedMacAddresses = true,
            Disks = record.Disks.ToDictionary(disk => disk.DiskId, disk => new ResolvedDisk(disk.Path, disk.Format), StringComparer.Ordinal),
            ConsoleLog = record.ConsoleLog,
            ConfigDisk = record.ConfigDisk,
            PackageDigest = "sha256:" + record.PackageSha256,
        }));
    }
}
