using VirtAppliance.Core.Configuration;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Images;

namespace VirtAppliance.Core.Services;

/// <summary>The describe-stage actions (validate, inspect), one method per action, so that every face (today the CLI) calls the same code.</summary>
public sealed class ApplianceService
{
    private readonly Func<string, string?>? _installedLookup;

    public ApplianceService(Func<string, string?>? installedLookup = null) => _installedLookup = installedLookup;

    /// <summary>Reads and validates a descriptor, its config templates included (parameters they name, Liquid syntax).</summary>
    public LoadedDescriptor Validate(string appliance, ValidationPurpose purpose = ValidationPurpose.Describe)
    {
        var loaded = ApplianceLocator.Load(appliance, purpose, _installedLookup);
        if (loaded.Descriptor is not { Templates.Count: > 0 } descriptor || descriptor.BaseDirectory is null)
            return loaded;
        // A lone descriptor's absent files are already warnings; only templates that are there are read.
        var present = descriptor with { Templates = [.. descriptor.Templates.Where(template => File.Exists(descriptor.ResolvePath(template.Source)))] };
        return loaded with { Problems = [.. loaded.Problems, .. ConfigTemplates.Check(purpose == ValidationPurpose.Use ? descriptor : present)] };
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
