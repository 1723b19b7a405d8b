using System.Globalization;

namespace VirtAppliance.Core.DomainXml;

/// <summary>
/// The QEMU command-line spelling of user-mode NICs (<c>-netdev user,id=…,hostfwd=…</c> and
/// <c>-device virtio-net-pci,netdev=…,mac=…</c>), written into and read back from
/// <c>&lt;qemu:commandline&gt;</c>; the one place that knows it.
/// </summary>
public static class QemuNetdev
{
    /// <summary>libvirt's namespace for QEMU pass-through arguments.</summary>
    public const string Namespace = "http://libvirt.org/schemas/domain/qemu/1.0";

    private const string IdPrefix = "vanet";

    private const int FirstSlot = 0x1e;

    /// <summary>
    /// The arguments for the user-mode NICs among <paramref name="interfaces"/>, numbered in order. Each NIC
    /// gets a fixed PCI slot from the top (0x1e, 0x1d …): left to itself QEMU takes slot 2, which libvirt
    /// gives the first disk, and the domain does not start.
    /// </summary>
    /// <param name="machine">The machine type (q35 has a PCIe root bus).</param>
    public static IReadOnlyList<string> Arguments(IEnumerable<DomainInterface> interfaces, string? machine)
    {
        var bus = machine?.Contains("q35", StringComparison.Ordinal) == true ? "pcie.0" : "pci.0";
        var arguments = new List<string>();
        var index = 0;
        foreach (var nic in interfaces)
        {
            if (nic.Source is not UserInterfaceSource user)
                continue;
            var id = IdPrefix + index.ToString(CultureInfo.InvariantCulture);
            var forwards = user.Forwards.Select(forward =>
                $",hostfwd=tcp:{(forward.Address.Contains(':', StringComparison.Ordinal) ? $"[{forward.Address}]" : forward.Address)}:{Number(forward.HostPort)}-:{Number(forward.GuestPort)}");
            arguments.AddRange(["-netdev", $"user,id={id}{string.Concat(forwards)}"]);
            arguments.AddRange(["-device", $"{nic.Model ?? "virtio"}-net-pci,netdev={id}" + (nic.MacAddress is { } mac ? $",mac={mac}" : "")
                + $",bus={bus},addr=0x{FirstSlot - index:x2}"]);
            index++;
        }
        return arguments;
    }

    /// <summary>The user-mode NICs that <see cref="Arguments"/> wrote, read back from a domain's pass-through arguments.</summary>
    public static IReadOnlyList<DomainInterface> Read(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var netdevs = new Dictionary<string, List<PortForward>>(StringComparer.Ordinal);
        var result = new List<DomainInterface>();
        for (var i = 0; i + 1 < arguments.Count; i++)
        {
            var (kind, options) = Split(arguments[i + 1]);
            var id = options.FirstOrDefault(option => option.Key == "id").Value;
            if (arguments[i] == "-netdev" && kind == "user" && id is not null)
            {
                netdevs[id] = [.. options.Where(option => option.Key == "hostfwd").Select(option => ParseHostForward(option.Value)).OfType<PortForward>()];
            }
            else if (arguments[i] == "-device" && kind.EndsWith("-net-pci", StringComparison.Ordinal)
                && options.FirstOrDefault(option => option.Key == "netdev").Value is { } netdev && netdevs.TryGetValue(netdev, out var forwards))
            {
                var nic = result.Count;
                result.Add(new DomainInterface(new UserInterfaceSource([.. forwards.Select(forward => forward with { Interface = nic })]), kind[..^"-net-pci".Length],
                    options.FirstOrDefault(option => option.Key == "mac").Value));
            }
        }
        return result;
    }

    /// <summary>"user,id=x,hostfwd=a,hostfwd=b" → ("user", pairs in order); hostfwd may repeat, so not a dictionary.</summary>
    private static (string Kind, List<KeyValuePair<string, string>> Options) Split(string value)
    {
        var parts = value.Split(',');
        return (parts[0], [.. parts.Skip(1).Select(part => part.Split('=', 2)).Where(pair => pair.Length == 2).Select(pair => KeyValuePair.Create(pair[0], pair[1]))]);
    }

    /// <summary>tcp:ADDRESS:HOST-:GUEST, the address possibly an IPv6 one in brackets.</summary>
    private static PortForward? ParseHostForward(string value)
    {
        if (!value.StartsWith("tcp:", StringComparison.Ordinal))
            return null;
        var rest = value["tcp:".Length..];
        var dash = rest.LastIndexOf("-:", StringComparison.Ordinal);
        var host = dash < 0 ? "" : rest[..dash];
        var colon = host.LastIndexOf(':');
        if (colon < 0)
            return null;
        var address = host[..colon].Trim('[', ']');
        return int.TryParse(host[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var hostPort)
            && int.TryParse(rest[(dash + 2)..], NumberStyles.None, CultureInfo.InvariantCulture, out var guestPort)
            ? new PortForward(address.Length == 0 ? PortForward.Loopback : address, hostPort, guestPort)
            : null;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
