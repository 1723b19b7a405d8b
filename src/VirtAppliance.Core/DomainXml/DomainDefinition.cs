using VirtAppliance.Core.Capabilities;

namespace VirtAppliance.Core.DomainXml;

/// <summary>
/// The libvirt <c>&lt;domain&gt;</c> this tool defines: only the parts it emits, each element one
/// type. <see cref="DomainXmlWriter"/> writes it in a fixed order.
/// </summary>
/// <param name="Type">kvm, qemu, xen (the <c>type</c> attribute).</param>
/// <param name="Name">The libvirt domain name.</param>
/// <param name="Uuid">The domain UUID.</param>
/// <param name="Metadata">Which appliance this instance comes from.</param>
/// <param name="MemoryKiB">Guest memory in KiB (<c>&lt;memory unit='KiB'&gt;</c>).</param>
/// <param name="Vcpus">Virtual CPUs.</param>
/// <param name="Bootloader">A host-side bootloader for Xen paravirt guests (pygrub), else null.</param>
/// <param name="Os">How the guest boots.</param>
/// <param name="Features">pae/acpi/apic, null when none is on.</param>
/// <param name="Clock">The guest clock (hvm guests), else null.</param>
/// <param name="OnPoweroff">What libvirt does when the guest powers off.</param>
/// <param name="OnReboot">What libvirt does when the guest reboots.</param>
/// <param name="OnCrash">What libvirt does when the guest crashes.</param>
/// <param name="Devices">Disks, network, console, graphics.</param>
public sealed record DomainDefinition(
    VirtType Type,
    string Name,
    Guid Uuid,
    InstanceMetadata? Metadata,
    long MemoryKiB,
    int Vcpus,
    string? Bootloader,
    DomainOs Os,
    DomainFeatures? Features,
    DomainClock? Clock,
    LifecycleAction OnPoweroff,
    LifecycleAction OnReboot,
    LifecycleAction OnCrash,
    DomainDevices Devices);
