using VirtAppliance.Core.Images;

namespace VirtAppliance.Core.Authoring;

/// <summary>init from disk images: the folder to write, the disks, and what the machine needs.</summary>
/// <param name="Directory">The appliance folder to write.</param>
/// <param name="Disks">The images, in drive order (vda, vdb …).</param>
public sealed record InitRequest(string Directory, IReadOnlyList<DiskSpec> Disks)
{
    /// <summary>The appliance's name; required.</summary>
    public string? Name { get; init; }

    public string Version { get; init; } = "1.0";

    /// <summary>Memory as typed (512M, 1G); required.</summary>
    public string? Memory { get; init; }

    public int Vcpus { get; init; } = 1;

    /// <summary>The guest architecture; null for the host's.</summary>
    public string? Arch { get; init; }

    /// <summary>The boot device of a loader boot (hd, cdrom, network, fd); ignored with a kernel.</summary>
    public string BootDevice { get; init; } = "hd";

    /// <summary>A kernel for direct boot (then no loader boots the disk).</summary>
    public string? Kernel { get; init; }

    public string? Initrd { get; init; }

    public string? Cmdline { get; init; }

    /// <summary>Boot with UEFI firmware rather than BIOS.</summary>
    public bool Uefi { get; init; }

    /// <summary>How many network interfaces.</summary>
    public int Interfaces { get; init; } = 1;

    /// <summary>A console line (regular expression) that says the appliance is up; null for no health check.</summary>
    public string? HealthConsole { get; init; }

    /// <summary>qcow2 or raw to convert every disk to; null keeps each disk's format.</summary>
    public DiskFormat? Convert { get; init; }

    /// <summary>Replace a folder that is not empty.</summary>
    public bool Force { get; init; }

    /// <summary>What is required and not given, as the option names without dashes (name, memory).</summary>
    public IReadOnlyList<string> Missing =>
        [.. new[] { Name is null ? "name" : null, Memory is null ? "memory" : null }.OfType<string>()];
}
