namespace VirtAppliance.Core.DomainXml;

/// <summary>
/// A virtio-serial <c>&lt;channel type="unix"&gt;</c> between host and guest, named for the guest (e.g.
/// <see cref="GuestAgentName"/>); libvirt picks the host socket's path.
/// </summary>
public sealed record DomainChannel(string Name)
{
    /// <summary>The channel qemu-guest-agent listens on inside the guest (/dev/virtio-ports/org.qemu.guest_agent.0).</summary>
    public const string GuestAgentName = "org.qemu.guest_agent.0";
}
