using System.Security.Cryptography;
using System.Text.Json;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Packaging;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Distribution;

/// <summary>
/// Makes and signs a static repository folder that any web server can serve (TUF's roles: root, targets,
/// snapshot, timestamp; keys are OpenPGP keys). Root and targets are meant to be signed with offline keys,
/// snapshot and timestamp with an online key that a cron job can use to re-sign the short-lived timestamp.
/// </summary>
public sealed class RepositoryPublisher(TimeProvider timeProvider)
{
    public static readonly TimeSpan DefaultRootExpiry = TimeSpan.FromDays(365);
    public static readonly TimeSpan DefaultTargetsExpiry = TimeSpan.FromDays(90);
    public static readonly TimeSpan DefaultSnapshotExpiry = TimeSpan.FromDays(7);
    public static readonly TimeSpan DefaultTimestampExpiry = TimeSpan.FromDays(1);

    private static readonly JsonSerializerOptions StagedJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Writes version 1 of root.json: <paramref name="keys"/> sign root and targets (threshold of them), <paramref name="onlineKey"/> snapshot and timestamp.</summary>
    public async Task<RepositoryState> InitAsync(string directory, IReadOnlyList<RepositoryKey> keys, RepositoryKey onlineKey, int threshold, TimeSpan rootExpiry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
            throw new InvalidInputException("repo init needs at least one --key") { Hint = "export a key with 'gpg --armor --export-secret-keys ID > root.asc' and give --key root.asc" };
        ArgumentNullException.ThrowIfNull(onlineKey);
        if (threshold < 1 || threshold > keys.Count)
            throw new InvalidInputException($"--threshold {threshold}: must be between 1 and the {keys.Count} key(s) given") { Hint = "give as many --key options as the threshold needs" };
        if (File.Exists(Path.Combine(directory, RepositoryLayout.Root)))
            throw new ConflictException($"{directory} is a repository already (it has {RepositoryLayout.Root})") { Hint = "use 'repo rotate-key' to change its keys, or pick an empty folder" };
        Directory.CreateDirectory(Path.Combine(directory, RepositoryLayout.TargetsFolder));
        var ids = keys.Select(k => k.Fingerprint).Distinct().ToList();
        var root = new RootMetadata(1, timeProvider.GetUtcNow() + rootExpiry,
            keys.Append(onlineKey).DistinctBy(k => k.Fingerprint).ToDictionary(k => k.Fingerprint, k => k.PublicKey, StringComparer.Ordinal),
            new Dictionary<string, RoleKeys>(StringComparer.Ordinal)
            {
                [RootMetadata.Root] = new(ids, threshold),
                [RootMetadata.Targets] = new(ids, threshold),
                [RootMetadata.Snapshot] = new([onlineKey.Fingerprint], 1),
                [RootMetadata.Timestamp] = new([onlineKey.Fingerprint], 1),
            });
        await WriteRootAsync(directory, root, keys, cancellationToken).ConfigureAwait(false);
        return await StateAsync(directory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Copies a package into targets/ and stages its entry; 'publish' signs it in.</summary>
    /// <exception cref="ConflictException">Another package with the same name, version and release is published or staged.</exception>
    public async Task<TargetEntry> AddAsync(string directory, string packagePath, string channel, CancellationToken cancellationToken)
    {
        channel = Channels.Require(channel);
        await ReadLocalRootAsync(directory, cancellationToken).ConfigureAwait(false);
        ApplianceIdentity id;
        PackageBase? baseVersion;
        var stream = PackageReader.OpenFile(packagePath);
        await using (stream.ConfigureAwait(false))
        {
            var reader = new PackageReader(stream, leaveOpen: true, packagePath);
            await using (reader.ConfigureAwait(false))
            {
                var header = await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
                id = ApplianceIdentity.FromDescriptor(header.Descriptor, packagePath);
                baseVersion = header.Manifest.Base;
            }
        }

        // A delta is offered beside the full package of its version (publish checks that the full one is there),
        // under its own name, with its base in the signed entry so that a client picks it only when it holds that base.
        var file = TargetEntry.FileName(id.Name, id.Version, id.Release, baseVersion);
        var target = Path.Combine(directory, RepositoryLayout.TargetsFolder, file);
        var temporary = target + ".tmp";
        long length;
        string sha256, sha512;
        {
            using var sha256Hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var sha512Hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
            var input = File.OpenRead(packagePath);
            await using (input.ConfigureAwait(false))
            {
                var output = File.Create(temporary);
                await using (output.ConfigureAwait(false))
                {
                    var buffer = new byte[1 << 20];
                    int read;
                    while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        sha256Hash.AppendData(buffer, 0, read);
                        sha512Hash.AppendData(buffer, 0, read);
                        await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }
                    length = output.Length;
                }
            }
            sha256 = Convert.ToHexStringLower(sha256Hash.GetHashAndReset());
            sha512 = Convert.ToHexStringLower(sha512Hash.GetHashAndReset());
        }

        var entry = new TargetEntry(file, id.Name, id.Version, id.Release, channel, length, sha256, sha512, baseVersion);
        var published = await ReadLocalAsync(directory, RepositoryLayout.Targets, MetadataCodec.ParseTargets, cancellationToken).ConfigureAwait(false);
        var staged = await ReadStagedAsync(directory, cancellationToken).ConfigureAwait(false);
        var same = published?.Targets.GetValueOrDefault(file) ?? staged.FirstOrDefault(s => s.File == file);
        if (same is not null && same.Sha256 != sha256)
        {
            File.Delete(temporary);
            throw new ConflictException($"{packagePath}: {id} is in the repository already, from a different package")
            {
                Hint = "a published release never changes (clients would refuse it): give the new package a new release number",
            };
        }

        File.Move(temporary, target, overwrite: true);
        staged = [.. staged.Where(s => s.File != file), entry];
        await WriteAtomicAsync(Path.Combine(directory, RepositoryLayout.Staged), JsonSerializer.SerializeToUtf8Bytes(staged, StagedJson), cancellationToken).ConfigureAwait(false);
        return entry;
    }

    /// <summary>
    /// Signs the staged packages into a new targets.json (signed by <paramref name="keys"/>), then a new snapshot and
    /// timestamp (signed by <paramref name="onlineKey"/>); every version goes up by one. The timestamp is written last,
    /// so a client that reads it finds the snapshot and targets it names already in place.
    /// </summary>
    public async Task<RepositoryState> PublishAsync(string directory, IReadOnlyList<RepositoryKey> keys, RepositoryKey onlineKey, PublishExpiry expiry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(expiry);
        var root = await ReadLocalRootAsync(directory, cancellationToken).ConfigureAwait(false);
        RequireRoleKeys(root, RootMetadata.Targets, keys, "--key");
        RequireRoleKeys(root, RootMetadata.Snapshot, [onlineKey], "--online-key");
        RequireRoleKeys(root, RootMetadata.Timestamp, [onlineKey], "--online-key");

        var now = timeProvider.GetUtcNow();
        var previousTargets = await ReadLocalAsync(directory, RepositoryLayout.Targets, MetadataCodec.ParseTargets, cancellationToken).ConfigureAwait(false);
        var previousSnapshot = await ReadLocalAsync(directory, RepositoryLayout.Snapshot, MetadataCodec.ParseSnapshot, cancellationToken).ConfigureAwait(false);
        var previousTimestamp = await ReadLocalAsync(directory, RepositoryLayout.Timestamp, MetadataCodec.ParseTimestamp, cancellationToken).ConfigureAwait(false);
        var entries = new Dictionary<string, TargetEntry>(previousTargets?.Targets ?? new Dictionary<string, TargetEntry>(), StringComparer.Ordinal);
        foreach (var staged in await ReadStagedAsync(directory, cancellationToken).ConfigureAwait(false))
            entries[staged.File] = staged;
        var orphan = entries.Values.FirstOrDefault(d => d.Base is not null && !entries.ContainsKey(TargetEntry.FileName(d.Name, d.Version, d.Release, null)));
        if (orphan is not null)
            throw new InvalidInputException($"{directory}: the delta package {orphan.File} ({orphan.Id} from {orphan.Base!.Id}) has no full package of {orphan.Id} beside it")
            {
                Hint = $"a client without {orphan.Base.Id} installs the full package: add it too ('virt-appliance repo add {directory} {TargetEntry.FileName(orphan.Name, orphan.Version, orphan.Release, null)}'), then publish",
            };

        var targets = new TargetsMetadata((previousTargets?.Version ?? 0) + 1, now + expiry.Targets, entries);
        var targetsBytes = MetadataCodec.Sign(MetadataCodec.TargetsToJson(targets), keys, timeProvider);
        var snapshot = new SnapshotMetadata((previousSnapshot?.Version ?? 0) + 1, now + expiry.Snapshot, new MetaFile(targets.Version, targetsBytes.Length, MetadataCodec.Sha256(targetsBytes)));
        var snapshotBytes = MetadataCodec.Sign(MetadataCodec.SnapshotToJson(snapshot), [onlineKey], timeProvider);
        var timestamp = new TimestampMetadata((previousTimestamp?.Version ?? 0) + 1, now + expiry.Timestamp, new MetaFile(snapshot.Version, snapshotBytes.Length, MetadataCodec.Sha256(snapshotBytes)));
        var timestampBytes = MetadataCodec.Sign(MetadataCodec.TimestampToJson(timestamp), [onlineKey], timeProvider);

        await WriteAtomicAsync(Path.Combine(directory, RepositoryLayout.Targets), targetsBytes, cancellationToken).ConfigureAwait(false);
        await WriteAtomicAsync(Path.Combine(directory, RepositoryLayout.Snapshot), snapshotBytes, cancellationToken).ConfigureAwait(false);
        await WriteAtomicAsync(Path.Combine(directory, RepositoryLayout.Timestamp), timestampBytes, cancellationToken).ConfigureAwait(false);
        File.Delete(Path.Combine(directory, RepositoryLayout.Staged));
        return await StateAsync(directory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Root rotation: a new root version where <paramref name="newKeys"/> replace the root and targets keys (and
    /// <paramref name="newOnlineKey"/>, when given, the snapshot and timestamp key), signed by the threshold of the old
    /// root keys AND by the new ones, as TUF's clients require. Publish with the new keys afterwards.
    /// </summary>
    public async Task<RepositoryState> RotateAsync(string directory, IReadOnlyList<RepositoryKey> oldKeys, IReadOnlyList<RepositoryKey> newKeys, RepositoryKey? newOnlineKey, int threshold, TimeSpan rootExpiry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(oldKeys);
        ArgumentNullException.ThrowIfNull(newKeys);
        var root = await ReadLocalRootAsync(directory, cancellationToken).ConfigureAwait(false);
        RequireRoleKeys(root, RootMetadata.Root, oldKeys, "--key");
        if (newKeys.Count == 0)
            throw new InvalidInputException("repo rotate-key needs at least one --new-key") { Hint = "give the new root key's secret key file with --new-key" };
        if (threshold < 1 || threshold > newKeys.Count)
            throw new InvalidInputException($"--threshold {threshold}: must be between 1 and the {newKeys.Count} new key(s)") { Hint = "give as many --new-key options as the threshold needs" };
        var ids = newKeys.Select(k => k.Fingerprint).Distinct().ToList();
        var roles = new Dictionary<string, RoleKeys>(root.Roles, StringComparer.Ordinal)
        {
            [RootMetadata.Root] = new(ids, threshold),
            [RootMetadata.Targets] = new(ids, threshold),
        };
        if (newOnlineKey is not null)
        {
            roles[RootMetadata.Snapshot] = new([newOnlineKey.Fingerprint], 1);
            roles[RootMetadata.Timestamp] = new([newOnlineKey.Fingerprint], 1);
        }
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in roles.Values.SelectMany(r => r.KeyIds).Distinct())
            keys[id] = newKeys.Concat(newOnlineKey is null ? [] : [newOnlineKey]).FirstOrDefault(k => k.Fingerprint == id)?.PublicKey ?? root.Keys[id];
        var next = new RootMetadata(root.Version + 1, timeProvider.GetUtcNow() + rootExpiry, keys, roles);
        await WriteRootAsync(directory, next, [.. oldKeys, .. newKeys], cancellationToken).ConfigureAwait(false);
        return await StateAsync(directory, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The repository folder's metadata versions and sizes.</summary>
    public static async Task<RepositoryState> StateAsync(string directory, CancellationToken cancellationToken)
    {
        var root = await ReadLocalRootAsync(directory, cancellationToken).ConfigureAwait(false);
        var targets = await ReadLocalAsync(directory, RepositoryLayout.Targets, MetadataCodec.ParseTargets, cancellationToken).ConfigureAwait(false);
        var snapshot = await ReadLocalAsync(directory, RepositoryLayout.Snapshot, MetadataCodec.ParseSnapshot, cancellationToken).ConfigureAwait(false);
        var timestamp = await ReadLocalAsync(directory, RepositoryLayout.Timestamp, MetadataCodec.ParseTimestamp, cancellationToken).ConfigureAwait(false);
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var name in new[] { RepositoryLayout.Root, RepositoryLayout.Targets, RepositoryLayout.Snapshot, RepositoryLayout.Timestamp })
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path))
                sizes[name] = new FileInfo(path).Length;
        }
        return new RepositoryState(root.Version, targets?.Version ?? 0, snapshot?.Version ?? 0, timestamp?.Version ?? 0, targets?.Targets.Count ?? 0,
            (await ReadStagedAsync(directory, cancellationToken).ConfigureAwait(false)).Count, root.Role(RootMetadata.Root).KeyIds, timestamp?.Expires, sizes);
    }

    private async Task WriteRootAsync(string directory, RootMetadata root, IEnumerable<RepositoryKey> signers, CancellationToken cancellationToken)
    {
        var bytes = MetadataCodec.Sign(MetadataCodec.RootToJson(root), signers, timeProvider);
        await WriteAtomicAsync(Path.Combine(directory, RepositoryLayout.VersionedRoot(root.Version)), bytes, cancellationToken).ConfigureAwait(false);
        await WriteAtomicAsync(Path.Combine(directory, RepositoryLayout.Root), bytes, cancellationToken).ConfigureAwait(false);
    }

    private static void RequireRoleKeys(RootMetadata root, string role, IReadOnlyList<RepositoryKey> keys, string option)
    {
        var named = root.Role(role);
        var foreign = keys.Where(k => !named.KeyIds.Contains(k.Fingerprint)).ToList();
        if (foreign.Count > 0)
            throw new InvalidInputException($"{option}: key {foreign[0].Fingerprint} ({foreign[0].UserId}) is not a {role} key of this repository")
            {
                Hint = $"root.json names {string.Join(", ", named.KeyIds)} for {role}",
            };
        if (keys.Select(k => k.Fingerprint).Distinct().Count() < named.Threshold)
            throw new InvalidInputException($"{option}: {role} needs {named.Threshold} of its keys, {keys.Count} given") { Hint = $"give {named.Threshold} keys with {option}" };
    }

    private static async Task<RootMetadata> ReadLocalRootAsync(string directory, CancellationToken cancellationToken) =>
        await ReadLocalAsync(directory, RepositoryLayout.Root, MetadataCodec.ParseRoot, cancellationToken).ConfigureAwait(false)
        ?? throw new NotFoundException($"{directory}: not a repository (no {RepositoryLayout.Root})") { Hint = "make one with 'virt-appliance repo init DIR --key KEY.asc'" };

    private static async Task<T?> ReadLocalAsync<T>(string directory, string name, Func<Envelope, string, T> parse, CancellationToken cancellationToken)
        where T : class
    {
        var path = Path.Combine(directory, name);
        if (!File.Exists(path))
            return null;
        return parse(MetadataCodec.Open(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), path), path);
    }

    private static async Task<List<TargetEntry>> ReadStagedAsync(string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, RepositoryLayout.Staged);
        if (!File.Exists(path))
            return [];
        return JsonSerializer.Deserialize<List<TargetEntry>>(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), StagedJson) ?? [];
    }

    internal static async Task WriteAtomicAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        await File.WriteAllBytesAsync(temporary, bytes, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }
}
