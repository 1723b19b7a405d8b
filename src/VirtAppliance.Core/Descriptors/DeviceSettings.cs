namespace VirtAppliance.Core.Descriptors;

/// <summary>The virtual hardware every boot gets.</summary>
public sealed record DeviceSettings
{
    public int Vcpus { get; init; } = 1;

    public long MemoryKiB { get; init; } = 262144;

    /// <summary>How many network interfaces; each <c>&lt;interface/&gt;</c> is one.</summary>
    public int Interfaces { get; init; }

    public bool Graphics { get; init; }
}
