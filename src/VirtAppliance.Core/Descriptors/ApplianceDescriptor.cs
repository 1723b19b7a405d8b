using System.Xml.Linq;

namespace VirtAppliance.Core.Descriptors;

/// <summary>
/// An appliance descriptor (<c>appliance.xml</c>): metadata only, a superset of virt-image(5).
/// </summary>
public sealed record ApplianceDescriptor
{
    public string? Name { get; init; }

    public string? Version { get; init; }

    public string? Release { get; init; }

    public string? Label { get; init; }

    /// <summary>Where <c>&lt;name&gt;</c> is (or the root, when it is missing).</summary>
    public SourceLocation NameLocation { get; init; }

    public string? Description { get; init; }

    public IReadOnlyList<BootDescriptor> Boots { get; init; } = [];

    public DeviceSettings Devices { get; init; } = new();

    public IReadOnlyList<DiskDescriptor> Disks { get; init; } = [];

    public IReadOnlyList<SiteParameter> Parameters { get; init; } = [];

    public IReadOnlyList<ConfigTemplate> Templates { get; init; } = [];

    public HealthCheck? Health { get; init; }

    public StatelessLayout? Stateless { get; init; }

    public HostRequirements? Requirements { get; init; }

    /// <summary>Elements in other XML namespaces directly under <c>&lt;image&gt;</c>, kept verbatim.</summary>
    public IReadOnlyList<XElement> Extensions { get; init; } = [];

    /// <summary>The folder relative paths resolve against (the descriptor's folder); null for an in-memory descriptor.</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>Where the descriptor was read from, for messages.</summary>
    public string? SourcePath { get; init; }

    /// <summary><c>name</c>, <c>name@version</c> or <c>name@version-release</c>.</summary>
    public string DisplayName =>
        (Name ?? "(unnamed)") + (Version is null ? "" : "@" + Version + (Release is null ? "" : "-" + Release));

    public DiskDescriptor? FindDisk(string id) => Disks.FirstOrDefault(disk => disk.Id == id);

    /// <summary>Resolves a path of the descriptor (relative to its folder) to an absolute path.</summary>
    public string ResolvePath(string path) =>
        Path.IsPathRooted(path) || BaseDirectory is null ? path : Path.GetFullPath(Path.Combine(BaseDirectory, path));

    /// <summary>
    /// Every file the appliance consists of besides the descriptor: disks with a file, kernels,
    /// initrds and loader images of every boot, config templates. Relative as written, no duplicates.
    /// </summary>
    public IReadOnlyList<ReferencedFile> ReferencedFiles()
    {
        var files = new List<ReferencedFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string? path, ReferencedFileKind kind, SourceLocation location, DiskDescriptor? disk = null)
        {
            if (path is not null && seen.Add(path))
                files.Add(new ReferencedFile(path, kind, location, disk));
        }

        foreach (var disk in Disks)
        {
            Add(disk.File, ReferencedFileKind.Disk, disk.Location, disk);
            foreach (var partition in disk.Partitions)
                Add(partition, ReferencedFileKind.Disk, disk.Location, disk);
        }
        foreach (var boot in Boots)
        {
            Add(boot.Os.Kernel, ReferencedFileKind.Kernel, boot.Location);
            Add(boot.Os.Initrd, ReferencedFileKind.Initrd, boot.Location);
            if (boot.Os.LoaderPath is { } loader)
                Add(loader, ReferencedFileKind.Loader, boot.Location);
        }
        foreach (var template in Templates)
            Add(template.Source, ReferencedFileKind.Template, template.Location);
        return files;
    }
}
