using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Monitoring;

/// <summary>
/// The guest agent's file systems (<c>guest-get-fsinfo</c>) mapped to the VM's disks: by the PCI address of the
/// disk's controller (what the agent reports for a virtio disk, and what libvirt's live XML gives each disk),
/// else by the guest's device name (<c>/dev/vdb1</c> is on target <c>vdb</c>).
/// </summary>
internal static partial class GuestFileSystems
{
    /// <summary>The agent command this reads the answer of.</summary>
    public const string Command = """{"execute":"guest-get-fsinfo"}""";

    /// <summary>File systems by disk target; a disk the guest reports nothing on is absent.</summary>
    /// <param name="agentAnswer">The agent's JSON answer: <c>{"return":[…]}</c>.</param>
    /// <param name="liveDomainXml">The running domain's XML (for its disks' PCI addresses).</param>
    /// <exception cref="InvalidDataException">The answer is not what the agent's schema says.</exception>
    public static IReadOnlyDictionary<string, IReadOnlyList<FileSystemUsage>> Map(string agentAnswer, string liveDomainXml, IReadOnlyCollection<string> targets)
    {
        var addresses = PciAddresses(liveDomainXml);
        var result = new Dictionary<string, List<FileSystemUsage>>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(agentAnswer);
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"the guest agent's answer to guest-get-fsinfo is not JSON: {error.Message}", error);
        }
        using (document)
        {
            if (!document.RootElement.TryGetProperty("return", out var list) || list.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException("the guest agent's answer to guest-get-fsinfo has no \"return\" list");
            foreach (var fs in list.EnumerateArray())
            {
                // Bind mounts repeat a file system under another mount point: the first one counts.
                var name = String(fs, "name") ?? "";
                if (!fs.TryGetProperty("total-bytes", out var total) || !fs.TryGetProperty("used-bytes", out var used) || !seen.Add(name))
                    continue;
                var disks = fs.TryGetProperty("disk", out var diskList) && diskList.ValueKind == JsonValueKind.Array ? diskList.EnumerateArray().ToList() : [];
                var device = disks.Select(disk => String(disk, "dev")).FirstOrDefault(dev => dev is not null);
                var usage = new FileSystemUsage(String(fs, "mountpoint") ?? "", String(fs, "type") ?? "", device, used.GetInt64(), total.GetInt64());
                foreach (var target in disks.Select(disk => TargetOf(disk, addresses, targets)).OfType<string>().Distinct(StringComparer.Ordinal))
                {
                    if (!result.TryGetValue(target, out var usages))
                        result[target] = usages = [];
                    usages.Add(usage);
                }
            }
        }
        return result.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<FileSystemUsage>)pair.Value, StringComparer.Ordinal);
    }

    private static string? TargetOf(JsonElement disk, IReadOnlyDictionary<string, string> addresses, IReadOnlyCollection<string> targets)
    {
        if (disk.TryGetProperty("pci-controller", out var pci) && pci.ValueKind == JsonValueKind.Object
            && addresses.TryGetValue(Address(Int(pci, "domain"), Int(pci, "bus"), Int(pci, "slot"), Int(pci, "function")), out var byAddress))
            return byAddress;
        if (String(disk, "dev") is { } dev && DevicePartition().Match(dev) is { Success: true } match && targets.Contains(match.Groups[1].Value))
            return match.Groups[1].Value;
        return null;
    }

    /// <summary>PCI address → the disk target there, from libvirt's live XML.</summary>
    private static Dictionary<string, string> PciAddresses(string liveDomainXml)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var disk in SafeXml.Parse(liveDomainXml, "the domain's live XML").Descendants("disk"))
        {
            var target = (string?)disk.Element("target")?.Attribute("dev");
            var address = disk.Element("address");
            if (target is null || address is null || (string?)address.Attribute("type") != "pci")
                continue;
            result[Address(Hex(address, "domain"), Hex(address, "bus"), Hex(address, "slot"), Hex(address, "function"))] = target;
        }
        return result;
    }

    private static string Address(long domain, long bus, long slot, long function) =>
        string.Create(CultureInfo.InvariantCulture, $"{domain:x4}:{bus:x2}:{slot:x2}.{function:x}");

    private static long Hex(XElement address, string name) =>
        (string?)address.Attribute(name) is { } text
            ? long.Parse(text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text, NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : 0;

    private static long Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt64() : -1;

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // /dev/vdb, /dev/vdb1, /dev/nvme0n1p2 → vdb, vdb, nvme0n1
    [GeneratedRegex(@"^/dev/([a-z]+(?:[0-9]+n[0-9]+)?)(?:p?[0-9]+)?$")]
    private static partial Regex DevicePartition();
}
