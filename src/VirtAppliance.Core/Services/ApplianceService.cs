using VirtAppliance.Core.Configuration;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Images;
using VirtAppliance.Core.Packaging;

namespace VirtAppliance.Core.Services;

/// <summary>The describe-stage actions (validate, inspect), one method per action, so that every face (today the CLI) calls the same code.</summary>
public sealed class ApplianceService
{
    private readonly Func<string, string?>? _installedLookup;

    public ApplianceService(Func<string, string?>? installedLookup = null) => _installedLookup = installedLookup;

    /// <summary>Reads and validates a descriptor, its config templates included (parameters they name, Liquid syntax).</summary>
    /// <remarks>For <see cref="ValidationPurpose.Use"/> (validate --require-files) the disk images present are also held to the
    /// rules pack applies (<see cref="ImageRules"/>), each broken image a problem at its disk's line and column.</remarks>
    public LoadedDescriptor Validate(string appliance, ValidationPurpose purpose = ValidationPurpose.Describe)
    {
        var loaded = ApplianceLocator.Load(appliance, purpose, _installedLookup);
        if (loaded.Descriptor is not { BaseDirectory: not null } descriptor)
            return loaded;
        var problems = new List<DescriptorProblem>(loaded.Problems);
        if (purpose == ValidationPurpose.Use && loaded.Kind != ApplianceSourceKind.Installed)
            problems.AddRange(ImageProblems(descriptor));
        if (descriptor.Templates.Count > 0)
        {
            // A lone descriptor's absent files are already warnings; only templates that are there are read.
            var present = descriptor with { Templates = [.. descriptor.Templates.Where(template => File.Exists(descriptor.ResolvePath(template.Source)))] };
            problems.AddRange(ConfigTemplates.Check(purpose == ValidationPurpose.Use ? descriptor : present));
        }
        return problems.Count == loaded.Problems.Count ? loaded : loaded with { Problems = problems };
    }

    /// <summary>The image rules pack applies, for each disk file that is there (an absent one is already a problem).</summary>
    private static IEnumerable<DescriptorProblem> ImageProblems(ApplianceDescriptor descriptor) =>
        descriptor.Disks.Where(disk => disk.File is not null && File.Exists(descriptor.ResolvePath(disk.File)))
            .SelectMany(disk => ImageProblems(disk, descriptor.ResolvePath(disk.File!)));

    private static IEnumerable<DescriptorProblem> ImageProblems(DiskDescriptor disk, string path)
    {
        ImageInfo info;
        try
        {
            info = ImageInspector.Inspect(path);
        }
        catch (Exception error) when (error is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return [new DescriptorProblem(Severity.Error, disk.Location, $"disk file '{disk.File}': {error.Message}", "check the image with 'qemu-img check'")];
        }
        return ImageRules.Violations(info, disk.Format.ToText())
            .Select(violation => new DescriptorProblem(Severity.Error, disk.Location, $"disk file '{disk.File}': {violation.Message}", violation.Hint));
    }

    public ApplianceSummary Inspect(string appliance)
    {
        var loaded = Validate(appliance);
        var descriptor = loaded.Descriptor ?? loaded.Require();
        var disks = descriptor.Disks.Where(disk => disk.Id.Length > 0).Select(disk =>
        {
            long? length = null, allocated = null;
            if (disk.File is not null && descriptor.BaseDirectory is not null && File.Exists(descriptor.ResolvePath(disk.File)))
            {
                var path = descriptor.ResolvePath(disk.File);
                length = new FileInfo(path).Length;
                allocated = FileAllocation.AllocatedBytes(path);
            }
            var targets = descriptor.Boots.SelectMany(boot => boot.Drives).Where(drive => drive.DiskId == disk.Id)
                .Select(drive => drive.Target).Distinct().ToList();
            return new DiskSummary(disk.Id, disk.File, disk.Role, disk.Format, disk.SizeMiB, length, allocated, targets);
        }).ToList();
        return new ApplianceSummary(loaded.Path, loaded.Kind, descriptor, disks, loaded.Problems);
    }
}
