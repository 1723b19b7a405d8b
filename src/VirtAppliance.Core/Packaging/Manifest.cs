using System.Security.Cryptography;
using System.Text.Json;

namespace VirtAppliance.Core.Packaging;

/// <summary>
/// The list of every file of a packaged appliance with its sizes and digests. The manifest's
/// exact bytes are what a signature covers; <see cref="Sha256"/> identifies the package's content.
/// </summary>
public sealed class Manifest
{
    internal Manifest(IReadOnlyList<PackageEntry> files, byte[] bytes, int formatVersion, PackageBase? baseVersion = null)
    {
        Files = files;
        FormatVersion = formatVersion;
        Base = baseVersion;
        Bytes = bytes;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    /// <summary>Every file, the descriptor first, in the order the package stores them.</summary>
    public IReadOnlyList<PackageEntry> Files { get; }

    /// <summary>For a delta package: the version it applies to; null for a full package.</summary>
    public PackageBase? Base { get; }

    /// <summary>The package format (1 full, 2 delta, 3 full with 64 MiB records): what a reader must know to read it.</summary>
    public int FormatVersion { get; }

    /// <summary>The appliance.xml entry.</summary>
    public PackageEntry Descriptor => Files[0];

    /// <summary>SHA-256 of manifest.json: it pins every byte of the appliance, signed or not.</summary>
    public string Sha256 { get; }

    /// <summary>The serialized manifest.json.</summary>
    internal byte[] Bytes { get; }

    /// <param name="largeRecords">Whether disks were written as sparse-zstd version 2 (format version 3; ignored for a delta).</param>
    internal static Manifest Create(IReadOnlyList<PackageEntry> files, PackageBase? baseVersion = null, bool largeRecords = false)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", PackageLayout.FormatName);
            json.WriteNumber("formatVersion", baseVersion is not null ? PackageLayout.DeltaFormatVersion : largeRecords ? PackageLayout.LargeRecordFormatVersion : PackageLayout.FormatVersion);
            if (baseVersion is not null)
            {
                json.WriteStartObject("base");
                json.WriteString("name", baseVersion.Name);
                json.WriteString("version", baseVersion.Version);
                json.WriteString("release", baseVersion.Release);
                json.WriteString("packageDigest", baseVersion.PackageDigest);
                json.WriteEndObject();
            }

            json.WriteStartArray("files");
            foreach (var file in files)
            {
                json.WriteStartObject();
                json.WriteString("path", file.Path);
                json.WriteString("role", RoleName(file.Role));
                if (file.Format is null)
                    json.WriteNull("format");
                else
                    json.WriteString("format", file.Format);
                json.WriteNumber("size", file.Size);
                json.WriteNumber("storedSize", file.StoredSize);
                json.WriteString("encoding", EncodingName(file.Encoding));
                json.WriteString("storedDigest", file.StoredDigest);
                json.WriteString("contentDigest", file.ContentDigest);
                if (file.BaseFile is { } baseFile)
                {
                    json.WriteStartObject("base");
                    json.WriteString("path", baseFile.Path);
                    json.WriteNumber("size", baseFile.Size);
                    json.WriteString("contentDigest", baseFile.ContentDigest);
                    json.WriteEndObject();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        var bytes = buffer.ToArray();
        var manifest = Parse(bytes); // the writer obeys the reader's rules, or fails here
        return manifest;
    }

    /// <summary>The key of <see cref="Exception.Data"/> that marks a manifest too new for this tool (its formatVersion).</summary>
    internal const string NewerFormatKey = "newerFormatVersion";

    /// <summary>Parses and checks manifest.json.</summary>
    /// <exception cref="InvalidDataException">The manifest is malformed or breaks a rule.</exception>
    internal static Manifest Parse(byte[] bytes)
    {
        if (bytes.Length > PackageLayout.MaxManifestBytes)
            throw new InvalidDataException($"manifest.json is larger than {PackageLayout.MaxManifestBytes} bytes");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"manifest.json is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException("manifest.json: the top level is not an object");
            if (GetString(root, "format", "manifest") != PackageLayout.FormatName)
                throw new InvalidDataException($"manifest.json: format is not '{PackageLayout.FormatName}'");
            var version = GetLong(root, "formatVersion", "manifest");
            if (version > PackageLayout.NewestFormatVersion)
                throw new InvalidDataException($"manifest.json: formatVersion {version}: the package was made by a newer virt-appliance (this one reads format versions {PackageLayout.FormatVersion} to {PackageLayout.NewestFormatVersion})") { Data = { [NewerFormatKey] = version } };
            if (version < PackageLayout.FormatVersion)
                throw new InvalidDataException($"manifest.json: formatVersion {version} does not exist");
            PackageBase? baseVersion = null;
            if (root.TryGetProperty("base", out var baseElement))
            {
                if (version != PackageLayout.DeltaFormatVersion || baseElement.ValueKind != JsonValueKind.Object)
                    throw new InvalidDataException($"manifest.json: 'base' belongs to delta packages (formatVersion {PackageLayout.DeltaFormatVersion}), as an object");
                baseVersion = new PackageBase(GetString(baseElement, "name", "base"), GetString(baseElement, "version", "base"), GetString(baseElement, "release", "base"),
                    GetDigest(baseElement, "packageDigest", "base"));
            }
            else if (version == PackageLayout.DeltaFormatVersion)
            {
                throw new InvalidDataException($"manifest.json: formatVersion {version} (a delta package) without 'base'");
            }

            if (!root.TryGetProperty("files", out var array) || array.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException("manifest.json: 'files' is missing or not an array");
            var count = array.GetArrayLength();
            if (count == 0 || count > PackageLayout.MaxFiles)
                throw new InvalidDataException($"manifest.json: {count} files, between 1 and {PackageLayout.MaxFiles} allowed");

            var files = new List<PackageEntry>(count);
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in array.EnumerateArray())
            {
                var file = ParseEntry(item, files.Count);
                if (file.Encoding == PackageEncoding.DeltaZstd && baseVersion is null)
                    throw new InvalidDataException($"manifest.json: '{file.Path}' is delta-zstd in a package without a base");
                if (!names.Add(file.Path) || !names.Add("\0" + file.EntryName))
                    throw new InvalidDataException($"manifest.json: '{file.Path}' is listed twice");
                files.Add(file);
            }

            foreach (var file in files)
            {
                // "a" and "a/b" cannot both be files.
                for (var i = file.Path.IndexOf('/', StringComparison.Ordinal); i > 0; i = file.Path.IndexOf('/', i + 1))
                {
                    if (names.Contains(file.Path[..i]))
                        throw new InvalidDataException($"manifest.json: '{file.Path[..i]}' is both a file and a folder");
                }
            }

            var descriptor = files[0];
            if (descriptor.Path != PackageLayout.DescriptorName || descriptor.Role != PackageFileRole.Descriptor || descriptor.Encoding != PackageEncoding.Identity)
                throw new InvalidDataException($"manifest.json: the first file must be {PackageLayout.DescriptorName} with role descriptor, stored as is");
            if (files.Skip(1).Any(f => f.Role == PackageFileRole.Descriptor))
                throw new InvalidDataException("manifest.json: only appliance.xml may have the role descriptor");
            return new Manifest(files, bytes, (int)version, baseVersion);
        }
    }

    private static PackageEntry ParseEntry(JsonElement item, int index)
    {
        var where = $"files[{index}]";
        if (item.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"manifest.json: {where} is not an object");
        var path = GetString(item, "path", where);
        if (PackagePath.Problem(path) is { } problem)
            throw new InvalidDataException($"manifest.json: {where} '{path}': {problem}");
        where = $"'{path}'";

        var role = GetString(item, "role", where) switch
        {
            "descriptor" => PackageFileRole.Descriptor,
            "disk" => PackageFileRole.Disk,
            "kernel" => PackageFileRole.Kernel,
            "initrd" => PackageFileRole.Initrd,
            "loader" => PackageFileRole.Loader,
            "other" => PackageFileRole.Other,
            var other => throw new InvalidDataException($"manifest.json: {where} has the unknown role '{other}'"),
        };
        string? format = null;
        if (item.TryGetProperty("format", out var formatElement) && formatElement.ValueKind != JsonValueKind.Null)
        {
            format = formatElement.ValueKind == JsonValueKind.String ? formatElement.GetString()! : throw new InvalidDataException($"manifest.json: {where} format is not a string");
            if (format.Length is 0 or > 16 || !format.All(char.IsAsciiLetterOrDigit))
                throw new InvalidDataException($"manifest.json: {where} has the malformed format '{format}'");
        }

        var size = GetLong(item, "size", where);
        var storedSize = GetLong(item, "storedSize", where);
        if (size is < 0 or > PackageLayout.MaxFileSize || storedSize is < 0 or > PackageLayout.MaxFileSize)
            throw new InvalidDataException($"manifest.json: {where} has a size outside 0..{PackageLayout.MaxFileSize}");
        var encoding = GetString(item, "encoding", where) switch
        {
            "identity" => PackageEncoding.Identity,
            "sparse-zstd" => PackageEncoding.SparseZstd,
            "delta-zstd" => PackageEncoding.DeltaZstd,
            var other => throw new InvalidDataException($"manifest.json: {where} has the unknown encoding '{other}'"),
        };
        var storedSha = GetDigest(item, "storedDigest", where);
        var contentDigest = GetDigest(item, "contentDigest", where);
        if (encoding == PackageEncoding.Identity && (size != storedSize || storedSha != contentDigest))
            throw new InvalidDataException($"manifest.json: {where} is stored as is but its stored size or digest differs from its own");
        PackageBaseFile? baseFile = null;
        if (item.TryGetProperty("base", out var baseElement))
        {
            if (encoding != PackageEncoding.DeltaZstd || baseElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"manifest.json: {where} names a base file but is not delta-zstd");
            var basePath = GetString(baseElement, "path", where + " base");
            if (PackagePath.Problem(basePath) is { } baseProblem)
                throw new InvalidDataException($"manifest.json: {where} base '{basePath}': {baseProblem}");
            var baseSize = GetLong(baseElement, "size", where + " base");
            if (baseSize is < 0 or > PackageLayout.MaxFileSize)
                throw new InvalidDataException($"manifest.json: {where} base has a size outside 0..{PackageLayout.MaxFileSize}");
            baseFile = new PackageBaseFile(basePath, baseSize, GetDigest(baseElement, "contentDigest", where + " base"));
        }

        return new PackageEntry(path, role, format, size, storedSize, encoding, storedSha, contentDigest, baseFile);
    }

    internal static string RoleName(PackageFileRole role) => role switch
    {
        PackageFileRole.Descriptor => "descriptor",
        PackageFileRole.Disk => "disk",
        PackageFileRole.Kernel => "kernel",
        PackageFileRole.Initrd => "initrd",
        PackageFileRole.Loader => "loader",
        PackageFileRole.Other => "other",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    internal static string EncodingName(PackageEncoding encoding) => encoding switch
    {
        PackageEncoding.Identity => "identity",
        PackageEncoding.SparseZstd => "sparse-zstd",
        PackageEncoding.DeltaZstd => "delta-zstd",
        _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
    };

    private static string GetString(JsonElement item, string name, string where) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new InvalidDataException($"manifest.json: {where} has no string '{name}'");

    private static long GetLong(JsonElement item, string name, string where) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number)
            ? number
            : throw new InvalidDataException($"manifest.json: {where} has no integer '{name}'");

    private static string GetDigest(JsonElement item, string name, string where)
    {
        var digest = GetString(item, name, where);
        if (digest.Length != 64 || !digest.All(char.IsAsciiHexDigitLower))
            throw new InvalidDataException($"manifest.json: {where} '{name}' is not 64 lower-case hex digits");
        return digest;
    }
}
