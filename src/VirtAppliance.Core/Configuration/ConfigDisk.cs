using System.Text.Json;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Internal;

namespace VirtAppliance.Core.Configuration;

/// <summary>
/// An instance's config disk: an ISO 9660 image (Rock Ridge and Joliet) with volume id <c>cidata</c>,
/// a cloud-init NoCloud seed that also carries the rendered files, the values and the machine id as
/// plain files for guests without cloud-init. Made with <c>xorriso</c>. The layout is in
/// <see cref="WriteAsync"/>.
/// </summary>
public static partial class ConfigDisk
{
    /// <summary>The volume id NoCloud looks for.</summary>
    public const string VolumeId = "cidata";

    /// <summary>The largest values file read back from a disk.</summary>
    private const long MaxValuesBytes = 1024 * 1024;

    private const string XorrisoHint = "xorriso makes and reads config disks; scripts/prereqs.sh installs it";

    /// <summary>
    /// Writes the config disk to <paramref name="isoPath"/> (mode 0600: it holds passwords). The image is made
    /// in a staging folder beside it and renamed into place, so <paramref name="isoPath"/> is never half written.
    /// Its root:
    /// <list type="bullet">
    /// <item><c>meta-data</c>: <c>instance-id</c> and <c>local-hostname</c>.</item>
    /// <item><c>user-data</c>: <c>#cloud-config</c> with one <c>write_files</c> entry (base64) per rendered file.</item>
    /// <item><c>network-config</c>: version 2, DHCP on the NIC with <see cref="ConfigDiskSpec.MacAddress"/> (only when given).</item>
    /// <item><c>files/&lt;guest path&gt;</c>: each rendered file as it goes into the guest, with its mode.</item>
    /// <item><c>values.json</c>: the effective values that are not passwords.</item>
    /// <item><c>secrets.json</c>: the password values, mode 0600.</item>
    /// <item><c>machine-id</c>: the machine UUID as 32 lower-case hex digits.</item>
    /// <item><c>stateless/rwtab</c>, <c>stateless/statetab</c>: only when <see cref="ConfigDiskSpec.Stateless"/> is given.</item>
    /// <item><c>puppet/modules/&lt;name&gt;/…</c> and <c>puppet/classes</c>: the site's Puppet modules and the classes to include, one a line
    /// (only when <see cref="ConfigDiskSpec.Puppet"/> has any).</item>
    /// </list>
    /// </summary>
    /// <exception cref="InvalidInputException">A rendered file's path or mode, the host name, the instance id or the MAC address cannot go onto the disk.</exception>
    /// <exception cref="VirtApplianceException">xorriso is missing or fails.</exception>
    public static async Task WriteAsync(ConfigDiskSpec spec, string isoPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(isoPath);
        var layout = Layout(spec);
        var target = Path.GetFullPath(isoPath);
        var folder = Path.GetDirectoryName(target)!;
        var staging = Path.Combine(folder, $".{Path.GetFileName(target)}.staging-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var root = Path.Combine(staging, "root");
            foreach (var entry in layout)
                await WriteEntryAsync(root, entry, cancellationToken).ConfigureAwait(false);
            var image = Path.Combine(staging, "config.iso");
            await ExternalTool.RunAsync("xorriso",
                // -R keeps each file's mode (-r would make secrets.json readable by all); -uid/-gid 0 as -r would.
                ["-as", "mkisofs", "-quiet", "-V", VolumeId, "-J", "-joliet-long", "-R", "-uid", "0", "-gid", "0", "-o", image, root],
                XorrisoHint, cancellationToken).ConfigureAwait(false);
            File.SetUnixFileMode(image, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.Move(image, target, overwrite: true);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Reads back the password values of an existing config disk (<c>/secrets.json</c>), to render again on update.</summary>
    /// <exception cref="NotFoundException">There is no file at <paramref name="isoPath"/>.</exception>
    /// <exception cref="InvalidInputException">The image has no valid <c>/secrets.json</c>.</exception>
    public static Task<IReadOnlyDictionary<string, string>> ReadSecretsAsync(string isoPath, CancellationToken cancellationToken) =>
        ReadValuesAsync(isoPath, "secrets.json", cancellationToken);

    /// <summary>Reads back the public values of an existing config disk (<c>/values.json</c>).</summary>
    /// <exception cref="NotFoundException">There is no file at <paramref name="isoPath"/>.</exception>
    /// <exception cref="InvalidInputException">The image has no valid <c>/values.json</c>.</exception>
    public static Task<IReadOnlyDictionary<string, string>> ReadPublicValuesAsync(string isoPath, CancellationToken cancellationToken) =>
        ReadValuesAsync(isoPath, "values.json", cancellationToken);

    /// <summary>A cloud-init instance id for the <paramref name="generation"/>-th config disk of a VM: <c>iid-&lt;12 hex of the uuid&gt;-&lt;generation&gt;</c>.</summary>
    public static string NewInstanceId(Guid vmUuid, int generation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(generation);
        return $"iid-{vmUuid.ToString("N")[..12]}-{generation.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    private static async Task<IReadOnlyDictionary<string, string>> ReadValuesAsync(string isoPath, string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(isoPath);
        if (!File.Exists(isoPath))
            throw new NotFoundException($"config disk {isoPath} does not exist") { Hint = "deploy or update the VM to write its config disk again" };
        // A private folder (0700) so the extracted passwords are never readable by others; removed afterwards.
        var temporary = Directory.CreateTempSubdirectory("va-config-");
        try
        {
            var extracted = Path.Combine(temporary.FullName, name);
            var result = await ExternalTool.RunUncheckedAsync("xorriso",
                ["-osirrox", "on", "-indev", isoPath, "-extract", "/" + name, extracted],
                cancellationToken: cancellationToken).ConfigureAwait(false);
            if (result.ExitCode != 0 || !File.Exists(extracted))
                throw new InvalidInputException($"{isoPath} has no readable /{name}: {LastLine(result.Stderr)}")
                {
                    Hint = "it is not a config disk written by virt-appliance; deploy or update the VM to write it again",
                };
            File.SetUnixFileMode(extracted, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            if (new FileInfo(extracted).Length > MaxValuesBytes)
                throw new InvalidInputException($"{isoPath}: /{name} is larger than {MaxValuesBytes / 1024} KiB") { Hint = "write the config disk again" };
            var bytes = await File.ReadAllBytesAsync(extracted, cancellationToken).ConfigureAwait(false);
            return ParseValues(bytes, $"{isoPath}:/{name}");
        }
        finally
        {
            temporary.Delete(recursive: true);
        }
    }

    private static Dictionary<string, string> ParseValues(byte[] json, string where)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new JsonException("not a JSON object");
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                values[property.Name] = property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()!
                    : throw new JsonException($"'{property.Name}' is not a string");
            }
            return values;
        }
        catch (JsonException error)
        {
            // The message never quotes a value: these may be passwords.
            throw new InvalidInputException($"{where} is not an object of string values ({error.GetType().Name})")
            {
                Hint = "write the config disk again",
            };
        }
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "xorriso failed";
}
