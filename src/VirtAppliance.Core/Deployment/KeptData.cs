using System.Text.RegularExpressions;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Images;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Deployment;

/// <summary>
/// What an undeploy kept (ROOT/kept/VM-TIME/: user-ID.* disks and the config disk), used again by a
/// new VM of the same appliance: its user disks move into the new VM's folder, its values (passwords
/// included) are the new VM's unless the deploy sets others.
/// </summary>
internal sealed partial record KeptData(string Folder, IReadOnlyDictionary<string, string> UserDisks, string? ConfigDisk)
{
    /// <summary>A kept folder, or the name of the VM whose newest kept folder is meant.</summary>
    /// <exception cref="NotFoundException">Nothing kept matches.</exception>
    public static KeptData Find(ApplianceStore store, string reference)
    {
        var folder = Directory.Exists(reference) ? Path.GetFullPath(reference)
            : Directory.Exists(store.KeptFolder)
                ? Directory.EnumerateDirectories(store.KeptFolder, $"{reference}-*").Where(path => KeptName().IsMatch(Path.GetFileName(path)[(reference.Length + 1)..]))
                    .Order(StringComparer.Ordinal).LastOrDefault()
                : null;
        if (folder is null)
            throw new NotFoundException($"--reuse-kept {reference}: no such folder, and nothing kept from a VM of that name in {store.KeptFolder}")
            {
                Hint = "undeploy keeps a VM's user disks in ROOT/kept/VM-TIME/; name that folder or the VM",
            };
        var disks = Directory.EnumerateFiles(folder, "user-*").Select(path => (Path: path, Match: UserDiskName().Match(Path.GetFileName(path))))
            .Where(file => file.Match.Success).ToDictionary(file => file.Match.Groups[1].Value, file => file.Path, StringComparer.Ordinal);
        var config = Directory.EnumerateFiles(folder, "config-*.iso").Order(StringComparer.Ordinal).LastOrDefault();
        return new KeptData(folder, disks, config);
    }

    /// <summary>The kept disks must be exactly the appliance's user disks.</summary>
    /// <exception cref="InvalidInputException">They are not.</exception>
    public void RequireFits(ApplianceDescriptor descriptor)
    {
        var wanted = descriptor.Disks.Where(disk => disk.Role == DiskRole.User).Select(disk => disk.Id).Order(StringComparer.Ordinal).ToList();
        var kept = UserDisks.Keys.Order(StringComparer.Ordinal).ToList();
        if (!wanted.SequenceEqual(kept))
            throw new InvalidInputException($"--reuse-kept {Folder}: it holds the user disks [{string.Join(", ", kept)}], {descriptor.Name} wants [{string.Join(", ", wanted)}]")
            {
                Hint = "reuse what a VM of the same appliance kept",
            };
    }

    /// <summary>The site values kept on the config disk (passwords included), as given values.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ValuesAsync(CancellationToken cancellationToken)
    {
        if (ConfigDisk is null)
            return new Dictionary<string, string>(StringComparer.Ordinal);
        var values = new Dictionary<string, string>(await Configuration.ConfigDisk.ReadPublicValuesAsync(ConfigDisk, cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
        foreach (var (name, secret) in await Configuration.ConfigDisk.ReadSecretsAsync(ConfigDisk, cancellationToken).ConfigureAwait(false))
            values[name] = secret;
        return values;
    }

    /// <summary>Moves the kept user disks into <paramref name="folder"/>; returns them as the VM's user disks.</summary>
    public async Task<IReadOnlyList<InstanceDisk>> MoveIntoAsync(string folder, CancellationToken cancellationToken)
    {
        var disks = new List<InstanceDisk>();
        foreach (var (id, path) in UserDisks)
        {
            var target = Path.Combine(folder, Path.GetFileName(path));
            File.Move(path, target);
            var format = (await ImageInspector.InspectAsync(target, cancellationToken).ConfigureAwait(false)).Format;
            disks.Add(new InstanceDisk(id, "", DiskRole.User, format, target));
        }
        return disks;
    }

    /// <summary>Undo of <see cref="MoveIntoAsync"/>: the disks go back where they were kept.</summary>
    public void MoveBack(string folder)
    {
        foreach (var path in UserDisks.Values)
        {
            var moved = Path.Combine(folder, Path.GetFileName(path));
            if (File.Exists(moved))
                File.Move(moved, path);
        }
    }

    [GeneratedRegex(@"^user-(.+)\.[a-z0-9]+$")]
    private static partial Regex UserDiskName();

    [GeneratedRegex(@"^[0-9]{14}$")]
    private static partial Regex KeptName();
}
