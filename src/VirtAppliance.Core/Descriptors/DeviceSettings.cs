namespace VirtAppliance.Core.Descriptors;

/// <summary>The virtual hardware every boot gets.</summary>
public sealed record DeviceSettings
{
    public int Vcpus { get; init; } = 1;

    public long MemoryKiB { get; init; } = 262144;

    /// <summary>How many network interfaces; each <c>&lt;interface/&gt;</c> is one.</summary>
    public int Interfaces { get; init; }

    /// <summary>The ports the appliance serves, declared inside its interfaces.</summary>
    public IReadOnlyList<ServedPort> Ports { get; init; } = Array.Empty<ServedPort>();

    public bool Graphics { get; init; }

    /// <summary>Deploy adds a virtio-serial channel for qemu-guest-agent (<c>&lt;guest-agent/&gt;</c>); status reads file-system usage through it.</summary>
    public bool GuestAgent { get; init; }

    public bool Equals(DeviceSettings? other) =>
        other is not null && Vcpus == other.Vcpus && MemoryKiB == other.MemoryKiB && Interfaces == other.Interfaces
        && Graphics == other.Graphics && GuestAgent == other.GuestAgent && Ports.SequenceEqual(other.Ports);

    public override int GetHashCode() => HashCode.Combine(Vcpus, MemoryKiB, Interfaces, Graphics, GuestAgent, Ports.Count);
}
