using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Org.BouncyCastle.Bcpg.OpenPgp;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Packaging;

namespace VirtAppliance.Core.Distribution;

/// <summary>
/// The repository's metadata files, TUF style: <c>{"signed": {...}, "signatures": [{"keyid", "sig"}]}</c>.
/// A signature (detached, armored OpenPGP, as packages are signed) covers the exact bytes of the "signed"
/// value as they stand in the file, so no canonical JSON is needed: the reader verifies what it read.
/// </summary>
internal static class MetadataCodec
{
    /// <summary>The largest metadata file read before its length is known from signed metadata (TUF's "upper bound").</summary>
    public const long MaxUnboundedLength = 1 << 20;

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static byte[] Sign(JsonObject signed, IEnumerable<RepositoryKey> keys, TimeProvider timeProvider)
    {
        var signedBytes = Encoding.UTF8.GetBytes(signed.ToJsonString(Compact));
        var signatures = new JsonArray();
        foreach (var key in keys.DistinctBy(k => k.Fingerprint))
            signatures.Add(new JsonObject { ["keyid"] = key.Fingerprint, ["sig"] = key.Sign(signedBytes, timeProvider) });
        using var buffer = new MemoryStream();
        buffer.Write("{\"signed\":"u8);
        buffer.Write(signedBytes);
        buffer.Write(",\"signatures\":"u8);
        buffer.Write(Encoding.UTF8.GetBytes(signatures.ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
        buffer.Write("}\n"u8);
        return buffer.ToArray();
    }

    /// <summary>
    /// Checks that at least the role's threshold of distinct keys that root names for it signed the file.
    /// Signatures by keys root does not name for the role do not count (and are named in the error).
    /// </summary>
    public static void Verify(Envelope envelope, RootMetadata root, string role, string source)
    {
        var keys = root.Role(role);
        var valid = new HashSet<string>(StringComparer.Ordinal);
        var foreign = new List<string>();
        var bad = new List<string>();
        foreach (var (keyId, signature) in envelope.Signatures)
        {
            if (!keys.KeyIds.Contains(keyId) || !root.Keys.TryGetValue(keyId, out var armored))
            {
                foreign.Add(keyId);
                continue;
            }
            PgpPublicKeyRingBundle bundle;
            try
            {
                bundle = OpenPgp.ReadPublicKeys(armored, $"{source}: key {keyId}");
            }
            catch (InvalidInputException)
            {
                bad.Add(keyId);
                continue;
            }
            var check = OpenPgp.Verify(signature, envelope.SignedBytes, [bundle]);
            if (check.Status == SignatureStatus.Trusted && check.Fingerprint == keyId)
                valid.Add(keyId);
            else
                bad.Add(keyId);
        }

        if (valid.Count >= keys.Threshold)
            return;
        var detail = new StringBuilder($"{source}: {role} metadata is signed by {valid.Count} of the keys root names for it, {keys.Threshold} needed");
        if (foreign.Count > 0)
            detail.Append(CultureInfo.InvariantCulture, $"; signed by key(s) root does not name for {role}: {string.Join(", ", foreign)}");
        if (bad.Count > 0)
            detail.Append(CultureInfo.InvariantCulture, $"; bad signature by {string.Join(", ", bad)}");
        throw new IntegrityException(detail.ToString())
        {
            Hint = "the repository's metadata was not signed by its owner's keys: do not use it, and tell the repository's owner",
        };
    }

    /// <summary>Splits a metadata file into the signed bytes, the parsed signed value and the signatures.</summary>
    public static Envelope Open(byte[] file, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(file);
            var signed = document.RootElement.GetProperty("signed");
            var signatures = new List<(string, string)>();
            foreach (var entry in document.RootElement.GetProperty("signatures").EnumerateArray())
                signatures.Add((entry.GetProperty("keyid").GetString()!, entry.GetProperty("sig").GetString()!));
            var signedBytes = Encoding.UTF8.GetBytes(signed.GetRawText());
            return new Envelope(signedBytes, signed.Clone(), signatures);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new IntegrityException($"{source}: not repository metadata ({e.Message})", e) { Hint = "check the repository URL; the file is damaged or not from a virt-appliance repository" };
        }
    }

    public static JsonObject RootToJson(RootMetadata root)
    {
        var keys = new JsonObject();
        foreach (var (id, armored) in root.Keys.OrderBy(k => k.Key, StringComparer.Ordinal))
            keys[id] = new JsonObject { ["keytype"] = "openpgp", ["public"] = armored };
        var roles = new JsonObject();
        foreach (var name in RootMetadata.RoleNames)
            roles[name] = new JsonObject { ["keyids"] = new JsonArray([.. root.Role(name).KeyIds.Select(k => (JsonNode)k)]), ["threshold"] = root.Role(name).Threshold };
        return new JsonObject
        {
            ["_type"] = RootMetadata.Root, ["spec_version"] = "1.0", ["version"] = root.Version, ["expires"] = FormatTime(root.Expires),
            ["keys"] = keys, ["roles"] = roles,
        };
    }

    public static JsonObject TargetsToJson(TargetsMetadata targets)
    {
        var entries = new JsonObject();
        foreach (var (file, t) in targets.Targets.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var custom = new JsonObject { ["name"] = t.Name, ["version"] = t.Version, ["release"] = t.Release, ["channel"] = t.Channel };
            if (t.Base is { } baseVersion)
                custom["base"] = new JsonObject { ["name"] = baseVersion.Name, ["version"] = baseVersion.Version, ["release"] = baseVersion.Release, ["packageDigest"] = baseVersion.PackageDigest };
            entries[file] = new JsonObject
            {
                ["length"] = t.Length,
                ["hashes"] = new JsonObject { ["sha256"] = t.Sha256, ["sha512"] = t.Sha512 },
                ["custom"] = custom,
            };
        }
        return new JsonObject { ["_type"] = RootMetadata.Targets, ["spec_version"] = "1.0", ["version"] = targets.Version, ["expires"] = FormatTime(targets.Expires), ["targets"] = entries };
    }

    public static JsonObject SnapshotToJson(SnapshotMetadata snapshot) => new()
    {
        ["_type"] = RootMetadata.Snapshot, ["spec_version"] = "1.0", ["version"] = snapshot.Version, ["expires"] = FormatTime(snapshot.Expires),
        ["meta"] = new JsonObject { ["targets.json"] = MetaToJson(snapshot.Targets) },
    };

    public static JsonObject TimestampToJson(TimestampMetadata timestamp) => new()
    {
        ["_type"] = RootMetadata.Timestamp, ["spec_version"] = "1.0", ["version"] = timestamp.Version, ["expires"] = FormatTime(timestamp.Expires),
        ["meta"] = new JsonObject { ["snapshot.json"] = MetaToJson(timestamp.Snapshot) },
    };

    private static JsonObject MetaToJson(MetaFile meta) => new() { ["version"] = meta.Version, ["length"] = meta.Length, ["hashes"] = new JsonObject { ["sha256"] = meta.Sha256 } };

    public static RootMetadata ParseRoot(Envelope envelope, string source) => Parse(envelope, RootMetadata.Root, source, signed =>
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in signed.GetProperty("keys").EnumerateObject())
            keys[key.Name] = key.Value.GetProperty("public").GetString()!;
        var roles = new Dictionary<string, RoleKeys>(StringComparer.Ordinal);
        foreach (var name in RootMetadata.RoleNames)
        {
            var role = signed.GetProperty("roles").GetProperty(name);
            var threshold = role.GetProperty("threshold").GetInt32();
            if (threshold < 1)
                throw new JsonException($"the {name} role's threshold is {threshold}");
            roles[name] = new RoleKeys([.. role.GetProperty("keyids").EnumerateArray().Select(k => k.GetString()!)], threshold);
        }
        return new RootMetadata(Version(signed), Expires(signed), keys, roles);
    });

    public static TargetsMetadata ParseTargets(Envelope envelope, string source) => Parse(envelope, RootMetadata.Targets, source, signed =>
    {
        var targets = new Dictionary<string, TargetEntry>(StringComparer.Ordinal);
        foreach (var target in signed.GetProperty("targets").EnumerateObject())
        {
            var value = target.Value;
            var custom = value.GetProperty("custom");
            var hashes = value.GetProperty("hashes");
            var file = target.Name;
            if (file.Contains('/', StringComparison.Ordinal) || file.Contains('\\', StringComparison.Ordinal) || file.StartsWith('.'))
                throw new JsonException($"the target path '{file}' is not a plain file name");
            PackageBase? baseVersion = null;
            if (custom.TryGetProperty("base", out var baseElement))
                baseVersion = new PackageBase(baseElement.GetProperty("name").GetString()!, baseElement.GetProperty("version").GetString()!,
                    baseElement.GetProperty("release").GetString()!, baseElement.GetProperty("packageDigest").GetString()!);
            targets[file] = new TargetEntry(file, custom.GetProperty("name").GetString()!, custom.GetProperty("version").GetString()!,
                custom.GetProperty("release").GetString()!, custom.GetProperty("channel").GetString()!, value.GetProperty("length").GetInt64(),
                hashes.GetProperty("sha256").GetString()!, hashes.GetProperty("sha512").GetString()!, baseVersion);
        }
        return new TargetsMetadata(Version(signed), Expires(signed), targets);
    });

    public static SnapshotMetadata ParseSnapshot(Envelope envelope, string source) => Parse(envelope, RootMetadata.Snapshot, source, signed =>
        new SnapshotMetadata(Version(signed), Expires(signed), Meta(signed.GetProperty("meta").GetProperty("targets.json"))));

    public static TimestampMetadata ParseTimestamp(Envelope envelope, string source) => Parse(envelope, RootMetadata.Timestamp, source, signed =>
        new TimestampMetadata(Version(signed), Expires(signed), Meta(signed.GetProperty("meta").GetProperty("snapshot.json"))));

    private static T Parse<T>(Envelope envelope, string type, string source, Func<JsonElement, T> parse)
    {
        try
        {
            var actual = envelope.Signed.GetProperty("_type").GetString();
            if (actual != type)
                throw new IntegrityException($"{source}: holds {actual} metadata where {type} was expected") { Hint = "the repository serves the wrong file under this name: tell its owner" };
            return parse(envelope.Signed);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new IntegrityException($"{source}: malformed {type} metadata ({e.Message})", e) { Hint = "the file is damaged or not from a virt-appliance repository" };
        }
    }

    private static MetaFile Meta(JsonElement meta) =>
        new(meta.GetProperty("version").GetInt64(), meta.GetProperty("length").GetInt64(), meta.GetProperty("hashes").GetProperty("sha256").GetString()!);

    private static long Version(JsonElement signed)
    {
        var version = signed.GetProperty("version").GetInt64();
        return version >= 1 ? version : throw new JsonException($"version {version} is below 1");
    }

    private static DateTimeOffset Expires(JsonElement signed) =>
        DateTimeOffset.ParseExact(signed.GetProperty("expires").GetString()!, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(data));
}
