using VirtAppliance.Core.DomainXml;

namespace VirtAppliance.Core.Store;

/// <summary>A VM deployed from an installed appliance version, as the store index records it.</summary>
/// <param name="Uri">The libvirt URI the domain was defined on.</param>
/// <param name="Folder">The VM's own folder in the store (its disks, console log, previous definition).</param>
/// <param name="Network">What its interfaces are attached to, as deploy's --network spells it (user, network=NAME, bridge=BR).</param>
/// <param name="VirtType">The libvirt domain type chosen at deploy (kvm, qemu …); updates keep it.</param>
/// <param name="Previous">The version it ran before its last update, for rollback; null before any update.</param>
public sealed record InstanceRecord(
    string Name,
    Guid Uuid,
    string Appliance,
    string Version,
    string Release,
    string PackageSha256,
    string Uri,
    string Folder,
    string Network,
    string VirtType,
    IReadOnlyList<InstanceDisk> Disks,
    DateTimeOffset CreatedAt,
    InstancePrevious? Previous)
{
    /// <summary>Host ports forwarded to the guest (user-mode networking); kept across stop/start and update.</summary>
    public IReadOnlyList<PortForward> Forwards { get; init; } = [];

    public string ConsoleLog => System.IO.Path.Combine(Folder, "console.log");

    public string ApplianceId => $"{Appliance}@{Version}-{Release}";
}
