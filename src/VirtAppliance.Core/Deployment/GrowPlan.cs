using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Images;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Deployment;

/// <summary>
/// 'grow': makes one disk of a VM bigger, never smaller. Running: libvirt resizes the disk under the guest
/// and the guest grows its file system (through the guest agent when it has one). Off: qemu-img resizes
/// the file and, for a bare ext file system on a raw disk, the host grows the file system too.
/// </summary>
internal static class GrowPlan
{
    /// <param name="growInGuest">Grows the file system of a running VM's disk from inside the guest (its agent): the guest device grown, or why not.</param>
    public static async Task<GrowResult> RunAsync(DeploymentContext context, InstanceRecord record, string diskName, DiskSizeRequest size, bool force,
        Func<InstanceDisk, CancellationToken, Task<(string? Device, string? Problem)>>? growInGuest, CancellationToken cancellationToken)
    {
        var disk = Find(record, diskName);
        if (disk.Role != DiskRole.User && !force)
            throw new InvalidInputException($"{record.Name}: {disk.DiskId} ({disk.Target}) is a {disk.Role.ToString().ToLowerInvariant()} disk; grow changes user disks")
            {
                Hint = disk.Role == DiskRole.System
                    ? "add --force to grow this VM's copy of it anyway (the next update replaces it with the new version's system disk, at that version's size)"
                    : "add --force to grow it anyway (an update recreates scratch disks at the appliance's size)",
            };
        var hypervisor = context.Hypervisor;
        UpdatePlan.RequireDomain(hypervisor, record);
        // Deploy and update change disks under this lock; an update's trial keeps its writes in a layer over the user disk.
        using var storeLock = await context.Store.LockAsync(cancellationToken).ConfigureAwait(false);
        if (disk.Role == DiskRole.User && File.Exists(UserDataLayer.LayerOf(disk)))
            throw new ConflictException($"{record.Name} is being updated: its user disk {disk.DiskId} has the update's layer on it")
            {
                Hint = "wait for the update to finish (or fail and roll back), then grow the disk",
            };

        var running = context.Power.IsRunning(record.Name);
        var current = running
            ? hypervisor.GetBlockInfo(record.Name, disk.Target).Capacity
            : (await QemuImg.InfoAsync(disk.Path, cancellationToken).ConfigureAwait(false)).VirtualSize;
        var wanted = size.TargetFor(current);
        if (wanted < current)
            throw new InvalidInputException($"{record.Name}: {disk.DiskId} has {Describe(current)}; grow never shrinks a disk (asked for {Describe(wanted)})")
            {
                Hint = $"ask for more than {Describe(current)}, or for what to add: +5G",
            };
        if (wanted == current)
            return new GrowResult(record.Name, disk.DiskId, disk.Target, disk.Role, current, current, running, FileSystemGrowth.Unchanged,
                $"{disk.DiskId} already has {Describe(current)}");

        context.Report($"{record.Name}: growing {disk.DiskId} ({disk.Target}) from {Describe(current)} to {Describe(wanted)}{(running ? " while it runs" : "")}");
        FileSystemGrowth growth;
        string? note = null;
        if (running)
        {
            hypervisor.ResizeBlock(record.Name, disk.Target, wanted);
            var (device, problem) = growInGuest is null ? (null, null) : await growInGuest(disk, cancellationToken).ConfigureAwait(false);
            growth = device is null ? FileSystemGrowth.LeftToGuest : FileSystemGrowth.GrownByGuestAgent;
            note = device is not null
                ? $"the guest agent grew {device}"
                : "the guest sees the new size now; its file system grows when the guest grows it (see docs/grow.md)" + (problem is null ? "" : $"; the guest agent could not: {problem}");
        }
        else
        {
            await QemuImg.ResizeAsync(disk.Path, disk.Format, wanted, cancellationToken).ConfigureAwait(false);
            if (disk.Format == DiskFormat.Raw && ExtFileSystem.IsBare(disk.Path))
            {
                context.Report($"{record.Name}: growing the ext file system on {disk.DiskId}");
                // Not cancellable: resize2fs killed half-way can leave the file system damaged; it takes seconds.
                await ExtFileSystem.GrowAsync(disk.Path, CancellationToken.None).ConfigureAwait(false);
                growth = FileSystemGrowth.GrownByHost;
            }
            else
            {
                growth = FileSystemGrowth.LeftToGuest;
                note = "the disk holds a partition table or is not raw ext: the guest grows its file system itself at its next boot, if it does so";
            }
        }
        if (disk.Role == DiskRole.System)
            note = (note is null ? "" : note + "; ") + "the next update replaces this system disk with the new version's, at that version's size";
        else if (disk.Role == DiskRole.Scratch)
            note = (note is null ? "" : note + "; ") + "an update recreates scratch disks at the appliance's size";
        return new GrowResult(record.Name, disk.DiskId, disk.Target, disk.Role, current, wanted, running, growth, note);
    }

    private static InstanceDisk Find(InstanceRecord record, string diskName) =>
        record.Disks.FirstOrDefault(disk => disk.DiskId == diskName || disk.Target == diskName)
        ?? throw new NotFoundException($"{record.Name} has no disk '{diskName}'")
        {
            Hint = "its disks: " + string.Join(", ", record.Disks.Select(disk => $"{disk.DiskId} ({disk.Target}, {disk.Role.ToString().ToLowerInvariant()})")),
        };

    private static string Describe(long bytes) =>
        bytes % (1L << 30) == 0 ? $"{bytes >> 30} GiB" : bytes % (1L << 20) == 0 ? $"{bytes >> 20} MiB" : $"{bytes} bytes";
}
