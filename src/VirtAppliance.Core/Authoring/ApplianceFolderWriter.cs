using System.Security.Cryptography;
using System.Text;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Images;

namespace VirtAppliance.Core.Authoring;

/// <summary>
/// Turns a draft into an appliance folder: disks copied sparse (or converted with qemu-img), kernel
/// and initrd copied, SHA-256 digests computed, <c>appliance.xml</c> written and validated. Everything
/// is made in a staging folder beside the target and renamed into place at the end, so an interrupted
/// or failed init leaves the target as it was.
/// </summary>
public static class ApplianceFolderWriter
{
    private const long MiB = 1024 * 1024;

    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <param name="draft">What to write.</param>
    /// <param name="directory">The appliance folder; must be absent or empty unless <paramref name="force"/>.</param>
    /// <param name="convert">qcow2 or raw to convert every disk to; null to keep each disk's format.</param>
    /// <param name="force">Replace a folder that is not empty.</param>
    /// <param name="progress">One line per step (copying a disk …).</param>
    /// <exception cref="ConflictException">The folder is not empty and <paramref name="force"/> is false, or is a file; a disk is in use.</exception>
    /// <exception cref="NotFoundException">A disk, kernel or initrd file does not exist.</exception>
    /// <exception cref="InvalidInputException">A disk cannot be read or kept in its format; the descriptor would not be valid.</exception>
    public static async Task<InitResult> WriteAsync(ApplianceDraft draft, string directory, DiskFormat? convert, bool force,
        IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        if (convert is not (null or DiskFormat.Qcow2 or DiskFormat.Raw))
            throw new ArgumentException("init converts to qcow2 or raw only", nameof(convert));
        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        CheckTarget(target, force);
        foreach (var source in draft.Disks.Select(disk => disk.Source).Append(draft.Boot.Os.Kernel).Append(draft.Boot.Os.Initrd).Concat(draft.Templates.Select(t => t.Source)).OfType<string>())
        {
            if (!File.Exists(source))
                throw new NotFoundException($"{source}: no such file") { Hint = "check the path" };
        }

        // Plan every file first (formats, names), so nothing is copied for a draft that cannot be written.
        var names = new HashSet<string>(StringComparer.Ordinal) { ApplianceLocator.DescriptorFileName };
        var plans = new List<DiskPlan>();
        foreach (var disk in draft.Disks)
            plans.Add(await PlanAsync(disk, convert, names, cancellationToken).ConfigureAwait(false));
        var kernel = draft.Boot.Os.Kernel is { } kernelSource ? Unique(Path.GetFileName(kernelSource), names) : null;
        var initrd = draft.Boot.Os.Initrd is { } initrdSource ? Unique(Path.GetFileName(initrdSource), names) : null;
        var templates = draft.Templates.Select(template => Unique(Path.GetFileName(template.Source), names)).ToList();
        var descriptor = Describe(draft, plans, kernel, initrd, templates);
        if (DescriptorValidator.Validate(descriptor, ValidationPurpose.Describe).Where(problem => problem.Severity == Severity.Error).ToList() is { Count: > 0 } problems)
            throw new DescriptorInvalidException($"{Path.Combine(target, ApplianceLocator.DescriptorFileName)} (not written)", problems)
            {
                Hint = "give other values (e.g. --name with letters, digits, '-', '_' and '.')",
            };

        var parent = Path.GetDirectoryName(target) ?? throw new ArgumentException("the appliance folder cannot be the root", nameof(directory));
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.init-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(staging, FolderMode);
        try
        {
            var disks = new List<InitDisk>();
            var checksums = new Dictionary<string, DiskChecksum>(StringComparer.Ordinal);
            for (var index = 0; index < plans.Count; index++)
            {
                var plan = plans[index];
                string? digest = null;
                if (plan.File is not null)
                {
                    var destination = Path.Combine(staging, plan.File);
                    progress?.Report($"{(plan.Converted ? "converting" : "copying")} disk {index + 1}/{plans.Count} {plan.Disk.Source} → {plan.File}"
                        + (plan.Converted ? $" ({plan.Info.FormatText} → {plan.Format.ToText()})" : ""));
                    if (plan.Converted)
                        await QemuImg.ConvertAsync(plan.Disk.Source, plan.SourceFormat, destination, plan.Format.ToText(), cancellationToken).ConfigureAwait(false);
                    else
                        await QemuImg.SparseCopyAsync(plan.Disk.Source, destination, cancellationToken).ConfigureAwait(false);
                    File.SetUnixFileMode(destination, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                    digest = await Sha256Async(destination, cancellationToken).ConfigureAwait(false);
                    checksums[plan.Id] = new DiskChecksum("sha256", digest);
                }
                disks.Add(new InitDisk(plan.Id, plan.Disk.Source, plan.File, plan.Disk.Role, plan.Format, plan.SourceFormat, plan.Converted,
                    plan.Disk.Target, plan.Info.VirtualSize, digest));
            }
            var files = new List<string>();
            foreach (var (source, name) in new[] { (draft.Boot.Os.Kernel, kernel), (draft.Boot.Os.Initrd, initrd) }.Concat(draft.Templates.Select((t, i) => ((string?)t.Source, (string?)templates[i]))))
            {
                if (source is null || name is null)
                    continue;
                progress?.Report($"copying {source} → {name}");
                File.Copy(source, Path.Combine(staging, name));
                files.Add(name);
            }
            descriptor = descriptor with
            {
                Disks = [.. descriptor.Disks.Select(disk => checksums.TryGetValue(disk.Id, out var checksum) ? disk with { Checksum = checksum } : disk)],
            };
            await DescriptorWriter.WriteFileAsync(descriptor, Path.Combine(staging, ApplianceLocator.DescriptorFileName), cancellationToken).ConfigureAwait(false);
            // What was written must be what validate and pack accept (the disks against the declared formats included).
            ApplianceLocator.Load(staging, ValidationPurpose.Use).Require();
            cancellationToken.ThrowIfCancellationRequested();
            Commit(staging, target);
            return new InitResult(target, descriptor with { BaseDirectory = target, SourcePath = Path.Combine(target, ApplianceLocator.DescriptorFileName) },
                disks, files, draft.NotCarried);
        }
        catch
        {
            TryDelete(staging);
            throw;
        }
    }

    private static void CheckTarget(string target, bool force)
    {
        if (File.Exists(target))
            throw new ConflictException($"{target} is a file") { Hint = "give a folder for the appliance" };
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !force)
            throw new ConflictException($"{target} is not empty")
            {
                Hint = "give a new or empty folder, or pass --force to replace what is in it",
            };
    }

    /// <summary>The staging folder becomes the target; a target that was there is replaced in two renames.</summary>
    private static void Commit(string staging, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            return;
        }
        var old = $"{staging}.old";
        Directory.Move(target, old);
        try
        {
            Directory.Move(staging, target);
        }
        catch
        {
            Directory.Move(old, target);
            throw;
        }
        TryDelete(old);
    }

    private static async Task<DiskPlan> PlanAsync(DraftDisk disk, DiskFormat? convert, HashSet<string> names, CancellationToken cancellationToken)
    {
        var info = await QemuImg.InfoAsync(disk.Source, cancellationToken).ConfigureAwait(false);
        var sourceFormat = disk.SourceFormat?.ToText() ?? info.FormatText;
        var known = disk.SourceFormat ?? info.Format;
        var id = Unique(IdOf(disk.Source), names, withExtension: false);
        if (disk.Role == DiskRole.Scratch)
        {
            // Recreated empty at every deploy: only its size matters.
            var scratchFormat = convert ?? (known == DiskFormat.Qcow2 ? DiskFormat.Qcow2 : DiskFormat.Raw);
            return new DiskPlan(disk, id, null, scratchFormat, sourceFormat, false, info);
        }
        if (known is null && convert is null)
            throw new InvalidInputException($"{disk.Source}: a {info.FormatText} image cannot be an appliance disk as it is")
            {
                Hint = "convert it with --convert qcow2 (or raw)",
            };
        // A backing chain is flattened: an appliance disk stands alone.
        var format = convert ?? (info.BackingFile is not null ? DiskFormat.Qcow2 : known!.Value);
        var converted = format != known || info.BackingFile is not null;
        var file = Unique(id + Extension(format), names);
        return new DiskPlan(disk, id, file, format, sourceFormat, converted, info);
    }

    private static ApplianceDescriptor Describe(ApplianceDraft draft, IReadOnlyList<DiskPlan> plans, string? kernel, string? initrd, IReadOnlyList<string> templates) => new()
    {
        Name = draft.Name,
        Version = draft.Version,
        Release = draft.Release,
        Label = draft.Label,
        Description = draft.Description,
        Boots = [draft.Boot with
        {
            Os = draft.Boot.Os with { Kernel = kernel, Initrd = initrd },
            Drives = [.. plans.Select(plan => new DriveMapping(plan.Id, plan.Disk.Target, false, SourceLocation.None))],
        }],
        Devices = draft.Devices,
        Disks = [.. plans.Select(plan => new DiskDescriptor
        {
            Id = plan.Id,
            File = plan.File,
            Role = plan.Disk.Role,
            Format = plan.Format,
            SizeMiB = plan.File is null ? Math.Max(1, (plan.Info.VirtualSize + MiB - 1) / MiB) : null,
        })],
        Health = draft.Health,
        Parameters = draft.Parameters,
        Templates = [.. draft.Templates.Select((template, index) => template with { Source = templates[index] })],
        Stateless = draft.Stateless,
        Requirements = draft.Requirements,
    };

    /// <summary>A disk's id: its file name without the extension, in the characters an id and a file name can safely have.</summary>
    private static string IdOf(string source)
    {
        var stem = Path.GetFileNameWithoutExtension(source);
        var builder = new StringBuilder();
        foreach (var character in stem)
            builder.Append(char.IsAsciiLetterOrDigit(character) || character is '-' or '_' or '.' ? character : '-');
        var id = builder.ToString().Trim('-', '.');
        return id.Length == 0 ? "disk" : id;
    }

    private static string Extension(DiskFormat format) => format switch
    {
        DiskFormat.Raw => ".img",
        _ => "." + format.ToText(),
    };

    /// <summary>The name, or name-2, name-3 … (before the extension) when it is taken; records it as taken.</summary>
    private static string Unique(string name, HashSet<string> taken, bool withExtension = true)
    {
        var stem = withExtension ? Path.GetFileNameWithoutExtension(name) : name;
        var extension = withExtension ? Path.GetExtension(name) : "";
        var candidate = name;
        for (var n = 2; !taken.Add(candidate); n++)
            candidate = $"{stem}-{n}{extension}";
        return candidate;
    }

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover hidden staging folder is harmless and says what it is.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed record DiskPlan(DraftDisk Disk, string Id, string? File, DiskFormat Format, string SourceFormat, bool Converted, QemuImageInfo Info);
}
