using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Services;

namespace VirtAppliance.Web.Contracts;

/// <summary>The stable JSON shape of <c>inspect --json</c>.</summary>
public static class InspectJson
{
    public static object From(ApplianceSummary summary)
    {
        var descriptor = summary.Descriptor;
        return new
        {
            Source = summary.Source,
            Kind = summary.Kind,
            Name = descriptor.Name,
            Version = descriptor.Version,
            Release = descriptor.Release,
            Label = descriptor.Label,
            Description = descriptor.Description,
            Vcpus = descriptor.Devices.Vcpus,
            MemoryKib = descriptor.Devices.MemoryKiB,
            Interfaces = descriptor.Devices.Interfaces,
            Graphics = descriptor.Devices.Graphics,
            Boots = descriptor.Boots.Select(boot => new
            {
                Type = boot.Type,
                Arch = boot.Arch,
                Features = boot.Features.ToDictionary(feature => feature.Name, feature => feature.Enabled),
                Firmware = boot.Os.Firmware,
                Loader = boot.Os.Loader,
                LoaderDevice = boot.Os.LoaderDevice,
                Kernel = boot.Os.Kernel,
                Initrd = boot.Os.Initrd,
                Cmdline = boot.Os.Cmdline,
                Drives = boot.Drives.Select(drive => new { Disk = drive.DiskId, Target = drive.Target }),
            }),
            Disks = summary.Disks.Select(disk => new
            {
                Id = disk.Id,
                File = disk.File,
                Role = disk.Role,
                Format = disk.Format,
                SizeMib = disk.DeclaredSizeMiB,
                FileBytes = disk.FileBytes,
                AllocatedBytes = disk.AllocatedBytes,
                Targets = disk.Targets,
            }),
            Parameters = descriptor.Parameters.Select(parameter => new
            {
                Name = parameter.Name,
                Type = parameter.Type,
                Required = parameter.Required,
                Default = parameter.Type == ParameterType.Password ? null : parameter.Default,
                Label = parameter.Label,
                Description = parameter.Description,
                Choices = parameter.Choices,
                Min = parameter.Minimum,
                Max = parameter.Maximum,
            }),
            Templates = descriptor.Templates.Select(template => new { Path = template.GuestPath, template.Source, template.Mode }),
            Health = descriptor.Health is { } health
                ? new { health.TimeoutSeconds, Console = health.ConsolePattern, Tcp = health.TcpPort }
                : null,
            Problems = summary.Problems.Select(ProblemJson.From),
        };
    }
}
