using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Hypervisor;
using VirtAppliance.Core.Images;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Deployment;

/// <summary>
/// Makes an update transactional for the customer's data: while the new version runs for the first
/// time, each user disk gets a qcow2 layer (explicit backing format) that takes its writes. Healthy:
/// the layer is merged into the disk while the VM runs (libvirt's active commit; it costs what the
/// layer holds, not the disk's size). Not healthy: the layer is deleted and the old version sees
/// exactly the bytes it left.
/// </summary>
internal static class UserDataLayer
{
    /// <summary>Creates the layers; returns <paramref name="disks"/> with each user disk replaced by its layer.</summary>
    public static async Task<IReadOnlyList<InstanceDisk>> AddAsync(IReadOnlyList<InstanceDisk> disks, CancellationToken cancellationToken)
    {
        var result = new List<InstanceDisk>();
        foreach (var disk in disks)
        {
            if (disk.Role != DiskRole.User)
            {
                result.Add(disk);
                continue;
            }
            var layer = LayerOf(disk);
            if (File.Exists(layer))
                File.Delete(layer); // left by an interrupted update: its writes were never accepted
            await QemuImg.CreateOverlayAsync(disk.Path, disk.Format.ToText(), layer, cancellationToken).ConfigureAwait(false);
            result.Add(disk with { Format = DiskFormat.Qcow2, Path = layer });
        }
        return result;
    }

    /// <summary>Merges each layer into its user disk while the VM runs, and switches the VM back to the disk.</summary>
    public static async Task CommitAsync(IHypervisor hypervisor, string name, IReadOnlyList<InstanceDisk> trialDisks, CancellationToken cancellationToken)
    {
        foreach (var disk in trialDisks.Where(IsLayer))
            await hypervisor.CommitActiveLayerAsync(name, disk.Target, TimeSpan.FromMinutes(30), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the layers (after a commit, or to throw the new version's writes away).</summary>
    public static void Discard(IReadOnlyList<InstanceDisk>? trialDisks)
    {
        foreach (var disk in (trialDisks ?? []).Where(IsLayer))
            File.Delete(disk.Path);
    }

    public static string LayerOf(InstanceDisk disk) =>
        Path.Combine(Path.GetDirectoryName(disk.Path)!, $"{Path.GetFileNameWithoutExtension(disk.Path)}.update.qcow2");

    private static bool IsLayer(InstanceDisk disk) =>
        disk.Role == DiskRole.User && disk.Path.EndsWith(".update.qcow2", StringComparison.Ordinal);
}
