using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Configuration;

public static partial class ConfigDisk
{
    private const UnixFileMode Public = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Executable = Public | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private static readonly SiteParameter HostName = new() { Name = "hostname", Type = ParameterType.Host };

    private static readonly JsonWriterOptions JsonOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Every file of the disk's root: its path there, its content and its mode.</summary>
    internal static IReadOnlyList<(string Path, byte[] Content, UnixFileMode Mode)> Layout(ConfigDiskSpec spec)
    {
        CheckSpec(spec);
        var entries = new List<(string, byte[], UnixFileMode)>
        {
            ("meta-data", Utf8($"instance-id: {spec.InstanceId}\nlocal-hostname: {spec.Hostname}\n"), Public),
            ("user-data", Utf8(UserData(spec.Files)), Public),
        };
        if (spec.MacAddress is { } mac)
            entries.Add(("network-config", Utf8(NetworkConfig(mac)), Public));
        var guestPaths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in spec.Files)
        {
            var relative = CheckGuestPath(file.GuestPath);
            if (!guestPaths.Add(relative))
                throw new InvalidInputException($"two config files are written to {file.GuestPath}") { Hint = "keep one <template> per path" };
            entries.Add(("files/" + relative, Utf8(file.Content), ParseMode(file)));
        }
        entries.Add(("values.json", Json(spec.Values.Public), Public));
        entries.Add(("secrets.json", Json(spec.Values.Secrets), Private));
        entries.Add(("machine-id", Utf8(spec.MachineUuid.ToString("N") + "\n"), Public));
        if (spec.Stateless is { } stateless)
        {
            entries.Add(("stateless/rwtab", Utf8(StatelessTabs.Rwtab(stateless)), Public));
            entries.Add(("stateless/statetab", Utf8(StatelessTabs.Statetab(stateless)), Public));
        }
        if (spec.Puppet.Count > 0)
            entries.AddRange(PuppetEntries(spec.Puppet));
        return entries;
    }

    /// <summary><c>puppet/modules/&lt;name&gt;/…</c> for each module, then <c>puppet/classes</c>: one class a line, in the order added.</summary>
    private static IEnumerable<(string Path, byte[] Content, UnixFileMode Mode)> PuppetEntries(IReadOnlyList<SiteModuleSource> modules)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var classes = new StringBuilder("# The site's Puppet classes (virt-appliance config VM puppet), included after the appliance's manifest.\n");
        foreach (var (module, folder) in modules)
        {
            if (!SitePuppet.IsModuleName(module.Name) || !names.Add(module.Name))
                throw new InvalidInputException($"site Puppet module '{module.Name}' is not a module name or is there twice") { Hint = "add each module once: virt-appliance config VM puppet add DIR" };
            var files = SitePuppet.Files(folder).Select(file => (file.Relative, Content: File.ReadAllBytes(file.Full), file.Executable)).ToList();
            if (SitePuppet.Digest(files) != module.Digest)
                throw new IntegrityException($"{folder} no longer holds site Puppet module {module.Name} as added (sha256 {module.ShortDigest}…)")
                {
                    Hint = $"add the module again: virt-appliance config VM puppet add DIR/{module.Name}",
                };
            foreach (var (relative, content, executable) in files)
                yield return ($"puppet/modules/{module.Name}/{relative}", content, executable ? Executable : Public);
            foreach (var cls in module.Classes)
                classes.Append(cls).Append('\n');
        }
        yield return ("puppet/classes", Utf8(classes.ToString()), Public);
    }

    private static async Task WriteEntryAsync(string root, (string Path, byte[] Content, UnixFileMode Mode) entry, CancellationToken cancellationToken)
    {
        var path = Path.Combine(root, entry.Path);
        var parent = Path.GetDirectoryName(path)!;
        // Created folder by folder so each gets 0755 whatever the umask.
        var relativeParent = Path.GetRelativePath(Path.GetDirectoryName(root)!, parent);
        var current = Path.GetDirectoryName(root)!;
        foreach (var part in relativeParent.Split('/'))
        {
            current = Path.Combine(current, part);
            if (!Directory.Exists(current))
                Directory.CreateDirectory(current, Folder);
        }
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = entry.Mode, Options = FileOptions.Asynchronous };
        var stream = new FileStream(path, options);
        await using (stream.ConfigureAwait(false))
            await stream.WriteAsync(entry.Content, cancellationToken).ConfigureAwait(false);
        File.SetUnixFileMode(path, entry.Mode);
    }

    private static string UserData(IReadOnlyList<RenderedFile> files)
    {
        var text = new StringBuilder("#cloud-config\n");
        if (files.Count == 0)
            return text.Append("write_files: []\n").ToString();
        text.Append("write_files:\n");
        foreach (var file in files)
        {
            // Only the path is text from outside: single-quoted, where '' is the one escape. The content is base64.
            text.Append("  - path: '").Append(file.GuestPath.Replace("'", "''", StringComparison.Ordinal)).Append("'\n")
                .Append("    owner: root:root\n")
                .Append("    permissions: '").Append(file.Mode).Append("'\n")
                .Append("    encoding: b64\n")
                .Append("    content: ").Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(file.Content))).Append('\n');
        }
        return text.ToString();
    }

    private static string NetworkConfig(string mac) =>
        $"""
        version: 2
        ethernets:
          eth0:
            match:
              macaddress: '{mac.ToLowerInvariant()}'
            set-name: eth0
            dhcp4: true

        """;

    private static byte[] Json(IReadOnlyDictionary<string, string> values)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in values)
                writer.WriteString(name, value);
            writer.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    private static byte[] Utf8(string text) => new UTF8Encoding(false).GetBytes(text);

    private static void CheckSpec(ConfigDiskSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec.Files);
        ArgumentNullException.ThrowIfNull(spec.Values);
        if (!InstanceIdPattern().IsMatch(spec.InstanceId))
            throw new InvalidInputException($"instance id '{spec.InstanceId}' is not letters, digits, '.', '_' and '-'") { Hint = "use ConfigDisk.NewInstanceId" };
        // The host rule of site values (ParameterValues), less IPv6 addresses, which are no host name.
        if (ParameterValues.Check(HostName, spec.Hostname) is not null || spec.Hostname.Contains(':', StringComparison.Ordinal))
            throw new InvalidInputException($"'{spec.Hostname}' is not a host name") { Hint = "letters, digits and '-', dot-separated labels of at most 63 characters" };
        if (spec.MacAddress is { } mac && !MacPattern().IsMatch(mac))
            throw new InvalidInputException($"'{mac}' is not a MAC address") { Hint = "write six hex pairs separated by ':', e.g. 52:54:00:12:34:56" };
    }

    /// <summary>The guest path relative to <c>files/</c>; refused when it could leave that folder or is not absolute.</summary>
    private static string CheckGuestPath(string guestPath)
    {
        var parts = guestPath.Split('/');
        if (!guestPath.StartsWith('/') || parts.Skip(1).Any(part => part is "" or "." or ".."))
            throw new InvalidInputException($"config file path '{guestPath}' is not a plain absolute path in the guest")
            {
                Hint = "write path=\"/etc/…\" without '.', '..' or '//' in <template>",
            };
        return string.Join('/', parts.Skip(1));
    }

    private static UnixFileMode ParseMode(RenderedFile file)
    {
        try
        {
            var mode = Convert.ToInt32(file.Mode, 8);
            if (mode is >= 0 and <= 0x0FFF)
                return (UnixFileMode)mode;
        }
        catch (Exception error) when (error is FormatException or ArgumentException or OverflowException)
        {
        }
        throw new InvalidInputException($"mode '{file.Mode}' of {file.GuestPath} is not an octal file mode") { Hint = "write mode=\"0644\"" };
    }

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex InstanceIdPattern();

    [GeneratedRegex(@"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$")]
    private static partial Regex MacPattern();

}
