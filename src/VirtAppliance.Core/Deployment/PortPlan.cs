using System.Net;
using System.Net.Sockets;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.DomainXml;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Deployment;

/// <summary>
/// Which host ports reach a VM: the forwards asked for (--publish), and every port the appliance
/// declares (and its TCP health port) on a free loopback port. Only user-mode networking forwards;
/// on a libvirt network or bridge the guest is reached at its own address.
/// </summary>
internal static class PortPlan
{
    /// <param name="kept">Forwards the VM already has (update keeps them).</param>
    /// <param name="others">Every other instance, whose host ports are taken.</param>
    /// <exception cref="InvalidInputException">Forwards asked for where they cannot be made, or a TCP health check nothing can reach.</exception>
    /// <exception cref="ConflictException">A host port asked for is another VM's or another program's.</exception>
    public static IReadOnlyList<PortForward> Plan(ApplianceDescriptor descriptor, InterfaceSource network, IReadOnlyList<PortForward> asked,
        IReadOnlyList<PortForward> kept, IEnumerable<InstanceRecord> others, ISet<int> takenNow)
    {
        if (network is not UserInterfaceSource)
        {
            if (asked.Count > 0)
                throw new InvalidInputException($"--publish forwards ports of user-mode networking, not of --network {network.Spelling}")
                {
                    Hint = "reach the guest at its address on that network, or deploy with --network user",
                };
            if (descriptor.Health?.TcpPort is { } port)
                throw new InvalidInputException($"{descriptor.Name}'s TCP health check (port {port}) can only be evaluated through a forwarded port, and --network {network.Spelling} forwards none")
                {
                    Hint = "deploy with --network user (the default)",
                };
            return [];
        }
        if (asked.Count > 0 && descriptor.Devices.Interfaces == 0)
            throw new InvalidInputException($"--publish: {descriptor.Name} has no network interface to forward to")
            {
                Hint = "the appliance's descriptor needs an <interface/> in <devices>",
            };

        var taken = others.SelectMany(record => record.Forwards).Select(forward => forward.HostPort).ToHashSet();
        taken.UnionWith(takenNow);
        foreach (var forward in asked)
        {
            if (taken.Contains(forward.HostPort))
                throw new ConflictException($"--publish {forward}: host port {forward.HostPort} is already forwarded to another VM")
                {
                    Hint = "choose another host port ('virt-appliance vms' shows the forwards)",
                };
            RequireBindable(forward);
            taken.Add(forward.HostPort);
        }

        var forwards = new List<PortForward>(kept);
        forwards.AddRange(asked.Where(forward => !forwards.Contains(forward)));
        var wanted = descriptor.Devices.Ports.Select(port => (port.Interface, port.Guest)).ToList();
        if (descriptor.Health?.TcpPort is { } healthPort && descriptor.Devices.Ports.All(port => port.Guest != healthPort))
            wanted.Add((0, healthPort));
        foreach (var (nic, guest) in wanted)
        {
            if (forwards.Any(forward => forward.GuestPort == guest && forward.Interface == nic))
                continue;
            var hostPort = FreeLoopbackPort(taken);
            taken.Add(hostPort);
            forwards.Add(new PortForward(PortForward.Loopback, hostPort, guest, nic));
        }
        return forwards;
    }

    /// <summary>How the guest's health port is probed through its forward, null when the check has no TCP port or nothing forwards it.</summary>
    public static TcpProbe? HealthProbe(HealthCheck? health, IReadOnlyList<PortForward> forwards, Func<string> userNetworkState)
    {
        if (health?.TcpPort is not { } port || forwards.FirstOrDefault(forward => forward.GuestPort == port) is not { } forward)
            return null;
        var address = IPAddress.Parse(forward.Address);
        // A forward on every address is reached on loopback.
        if (address.Equals(IPAddress.Any))
            address = IPAddress.Loopback;
        else if (address.Equals(IPAddress.IPv6Any))
            address = IPAddress.IPv6Loopback;
        return new TcpProbe(new IPEndPoint(address, forward.HostPort), port, userNetworkState);
    }

    private static int FreeLoopbackPort(HashSet<int> taken)
    {
        // The kernel picks a free port; QEMU binds it when the VM starts.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (!taken.Contains(port))
                return port;
        }
        throw new ConflictException("no free loopback port for the appliance's ports") { Hint = "free some ports, or publish them yourself with --publish" };
    }

    private static void RequireBindable(PortForward forward)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Parse(forward.Address), forward.HostPort);
            listener.Start();
            listener.Stop();
        }
        catch (SocketException error)
        {
            throw new ConflictException($"--publish {forward}: cannot listen on {forward.Address}:{forward.HostPort}: {error.Message}")
            {
                Hint = "another program uses that port, or the address is not this host's: choose another",
            };
        }
    }
}
