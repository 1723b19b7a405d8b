namespace VirtAppliance.Core.DomainXml;

/// <summary>
/// User-mode networking inside QEMU (slirp): no bridge and nothing root-owned on the host; the guest
/// gets 10.0.2.15 by QEMU's DHCP. libvirt 9.0 cannot forward ports of a <c>type='user'</c> interface,
/// so the NIC is QEMU's own (<c>&lt;qemu:commandline&gt;</c> -netdev user,hostfwd=… -device virtio-net-pci),
/// defined with the domain so that the forwards survive every restart, by anyone.
/// </summary>
/// <param name="Forwards">Host ports forwarded to this interface.</param>
public sealed record UserInterfaceSource(IReadOnlyList<PortForward> Forwards) : InterfaceSource
{
    public override string Spelling => "user";

    public bool Equals(UserInterfaceSource? other) =>
        other is not null && Forwards.SequenceEqual(other.Forwards);

    public override int GetHashCode() => Forwards.Count;
}
