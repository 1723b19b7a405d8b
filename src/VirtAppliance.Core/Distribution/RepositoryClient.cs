using System.Text.Json;
using System.Text.RegularExpressions;
using Org.BouncyCastle.Bcpg.OpenPgp;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Packaging;

namespace VirtAppliance.Core.Distribution;

/// <summary>
/// The client side of one remote, following the TUF specification's client workflow (5.2–5.6): walk the root
/// versions one by one, then timestamp, snapshot and targets, each checked for its signatures (the threshold of
/// keys root names for the role), its version (never lower than what was seen: rollback), its expiry (freeze)
/// and its agreement with the file above it (mix-and-match). What it has seen stays in ROOT/remotes/NAME/.
/// </summary>
internal sealed partial class RepositoryClient
{
    private const string RemoteFile = "remote.json";
    private const long MaxRootVersions = 1024;
    private static readonly JsonSerializerOptions RemoteJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly string folder;
    private readonly TimeProvider timeProvider;

    private RepositoryClient(string folder, string name, RepositorySource source, TimeProvider timeProvider)
    {
        this.folder = folder;
        Name = name;
        Source = source;
        this.timeProvider = timeProvider;
    }

    public string Name { get; }

    public RepositorySource Source { get; }

    public string DownloadsFolder => Path.Combine(folder, "downloads");

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    public static string RemotesFolder(string storeRoot) => Path.Combine(storeRoot, "remotes");

    public static RepositoryClient Open(string storeRoot, string name, TimeProvider timeProvider)
    {
        var folder = Path.Combine(RemotesFolder(storeRoot), RequireName(name));
        var path = Path.Combine(folder, RemoteFile);
        if (!File.Exists(path))
            throw new NotFoundException($"no remote named '{name}'") { Hint = "see 'virt-appliance remote list'; add one with 'virt-appliance remote add NAME URL --key KEY.asc'" };
        var settings = JsonSerializer.Deserialize<RemoteSettings>(File.ReadAllBytes(path), RemoteJson)!;
        return new RepositoryClient(folder, name, new RepositorySource(settings.Url), timeProvider);
    }

    public static IReadOnlyList<string> Names(string storeRoot) =>
        Directory.Exists(RemotesFolder(storeRoot))
            ? [.. Directory.EnumerateDirectories(RemotesFolder(storeRoot)).Where(d => File.Exists(Path.Combine(d, RemoteFile))).Select(Path.GetFileName).Order(StringComparer.Ordinal)!]
            : [];

    public static string RequireName(string name) =>
        NamePattern().IsMatch(name) ? name : throw new InvalidInputException($"'{name}' is not a remote name") { Hint = "use letters, digits, '.', '_' and '-'" };

    /// <summary>The first root (1.root.json) a repository offers, checked to be signed by its own root keys; for trust on first use.</summary>
    public static async Task<(RootMetadata Root, byte[] Bytes, IReadOnlyList<RootKeyInfo> Keys)> PeekFirstRootAsync(RepositorySource source, CancellationToken cancellationToken)
    {
        var name = RepositoryLayout.VersionedRoot(1);
        var bytes = await source.FetchAsync(name, MetadataCodec.MaxUnboundedLength, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"{source.Describe(name)}: no such file; is this a virt-appliance repository?") { Hint = "give the URL of the folder that holds root.json" };
        var envelope = MetadataCodec.Open(bytes, source.Describe(name));
        var root = MetadataCodec.ParseRoot(envelope, source.Describe(name));
        if (root.Version != 1)
            throw new IntegrityException($"{source.Describe(name)}: holds root version {root.Version}, not 1") { Hint = "the repository is damaged: tell its owner" };
        MetadataCodec.Verify(envelope, root, RootMetadata.Root, source.Describe(name));
        var keys = root.Role(RootMetadata.Root).KeyIds.Select(id => new RootKeyInfo(id, UserIdOf(root.Keys[id]))).ToList();
        return (root, bytes, keys);
    }

    /// <summary>Records a new remote that trusts <paramref name="firstRoot"/> (already checked by the caller against a key or fingerprint).</summary>
    public static async Task<RepositoryClient> CreateAsync(string storeRoot, string name, RepositorySource source, byte[] firstRoot, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(RemotesFolder(storeRoot), RequireName(name));
        if (File.Exists(Path.Combine(folder, RemoteFile)))
            throw new ConflictException($"a remote named '{name}' exists already") { Hint = $"remove it first ('virt-appliance remote remove {name}') or pick another name" };
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        await RepositoryPublisher.WriteAtomicAsync(Path.Combine(folder, RepositoryLayout.Root), firstRoot, cancellationToken).ConfigureAwait(false);
        // remote.json last: a remote exists only once its trusted root is in place.
        await RepositoryPublisher.WriteAtomicAsync(Path.Combine(folder, RemoteFile), JsonSerializer.SerializeToUtf8Bytes(new RemoteSettings(source.Url), RemoteJson), cancellationToken).ConfigureAwait(false);
        return new RepositoryClient(folder, name, source, timeProvider);
    }

    public void Delete() => Directory.Delete(folder, recursive: true);

    /// <summary>What the client trusts now, without asking the repository.</summary>
    public Remote Describe()
    {
        var root = LoadTrusted(RepositoryLayout.Root, MetadataCodec.ParseRoot)!;
        var timestamp = LoadTrusted(RepositoryLayout.Timestamp, MetadataCodec.ParseTimestamp);
        return new Remote(Name, Source.Url, root.Role(RootMetadata.Root).KeyIds, root.Version, timestamp?.Version, timestamp?.Expires);
    }

    /// <summary>Brings the trusted metadata up to date and returns the trusted targets.</summary>
    /// <exception cref="IntegrityException">Rollback, freeze, mix-and-match, endless data, or signatures below the threshold.</exception>
    public async Task<TargetsMetadata> RefreshAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();

        // 5.3: the root, one version at a time; each new one signed by the threshold of the old and of its own root keys.
        var trustedRoot = LoadTrusted(RepositoryLayout.Root, MetadataCodec.ParseRoot)!;
        var startRoot = trustedRoot;
        for (var i = 0; i < MaxRootVersions; i++)
        {
            var name = RepositoryLayout.VersionedRoot(trustedRoot.Version + 1);
            var bytes = await Source.FetchAsync(name, MetadataCodec.MaxUnboundedLength, cancellationToken).ConfigureAwait(false);
            if (bytes is null)
                break;
            var source = Source.Describe(name);
            var envelope = MetadataCodec.Open(bytes, source);
            var next = MetadataCodec.ParseRoot(envelope, source);
            MetadataCodec.Verify(envelope, trustedRoot, RootMetadata.Root, source + " (by the keys of the root trusted so far)");
            MetadataCodec.Verify(envelope, next, RootMetadata.Root, source + " (by its own root keys)");
            if (next.Version != trustedRoot.Version + 1)
                throw Rollback(source, $"holds root version {next.Version} where {trustedRoot.Version + 1} was expected");
            trustedRoot = next;
            await SaveAsync(RepositoryLayout.Root, bytes, cancellationToken).ConfigureAwait(false);
        }
        if (trustedRoot.Expires <= now)
            throw Freeze(Source.Describe(RepositoryLayout.Root), "root", trustedRoot.Expires);
        // 5.3.11: new timestamp or snapshot keys invalidate what was trusted under the old ones (else a rotation
        // away from a compromised key would keep the attacker's inflated version numbers forever).
        if (!SameKeys(startRoot, trustedRoot, RootMetadata.Timestamp) || !SameKeys(startRoot, trustedRoot, RootMetadata.Snapshot))
        {
            Forget(RepositoryLayout.Timestamp);
            Forget(RepositoryLayout.Snapshot);
        }

        // 5.4: timestamp.
        var timestampSource = Source.Describe(RepositoryLayout.Timestamp);
        var timestampBytes = await Source.FetchAsync(RepositoryLayout.Timestamp, 64 << 10, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"{timestampSource}: no such file; the repository was never published") { Hint = "the repository's owner runs 'virt-appliance repo publish'" };
        var timestampEnvelope = MetadataCodec.Open(timestampBytes, timestampSource);
        MetadataCodec.Verify(timestampEnvelope, trustedRoot, RootMetadata.Timestamp, timestampSource);
        var timestamp = MetadataCodec.ParseTimestamp(timestampEnvelope, timestampSource);
        var trustedTimestamp = LoadTrusted(RepositoryLayout.Timestamp, MetadataCodec.ParseTimestamp);
        if (trustedTimestamp is not null)
        {
            if (timestamp.Version < trustedTimestamp.Version)
                throw Rollback(timestampSource, $"timestamp version {timestamp.Version} is older than version {trustedTimestamp.Version} seen before");
            if (timestamp.Snapshot.Version < trustedTimestamp.Snapshot.Version)
                throw Rollback(timestampSource, $"names snapshot version {timestamp.Snapshot.Version}, older than version {trustedTimestamp.Snapshot.Version} seen before");
        }
        if (timestamp.Expires <= now)
            throw Freeze(timestampSource, "timestamp", timestamp.Expires);
        await SaveAsync(RepositoryLayout.Timestamp, timestampBytes, cancellationToken).ConfigureAwait(false);

        // 5.5: snapshot, exactly the one the timestamp names.
        var snapshotSource = Source.Describe(RepositoryLayout.Snapshot);
        var snapshotBytes = Unchanged(RepositoryLayout.Snapshot, timestamp.Snapshot)
            ?? await Source.FetchAsync(RepositoryLayout.Snapshot, timestamp.Snapshot.Length, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"{snapshotSource}: no such file") { Hint = "the repository is incomplete: tell its owner" };
        if (MetadataCodec.Sha256(snapshotBytes) != timestamp.Snapshot.Sha256)
            throw MixAndMatch(snapshotSource, "its SHA-256 is not the one timestamp.json names");
        var snapshotEnvelope = MetadataCodec.Open(snapshotBytes, snapshotSource);
        MetadataCodec.Verify(snapshotEnvelope, trustedRoot, RootMetadata.Snapshot, snapshotSource);
        var snapshot = MetadataCodec.ParseSnapshot(snapshotEnvelope, snapshotSource);
        if (snapshot.Version != timestamp.Snapshot.Version)
            throw MixAndMatch(snapshotSource, $"snapshot version {snapshot.Version}, timestamp.json names version {timestamp.Snapshot.Version}");
        var trustedSnapshot = LoadTrusted(RepositoryLayout.Snapshot, MetadataCodec.ParseSnapshot);
        if (trustedSnapshot is not null && snapshot.Targets.Version < trustedSnapshot.Targets.Version)
            throw Rollback(snapshotSource, $"names targets version {snapshot.Targets.Version}, older than version {trustedSnapshot.Targets.Version} seen before");
        if (snapshot.Expires <= now)
            throw Freeze(snapshotSource, "snapshot", snapshot.Expires);
        await SaveAsync(RepositoryLayout.Snapshot, snapshotBytes, cancellationToken).ConfigureAwait(false);

        // 5.6: targets, exactly the one the snapshot names.
        var targetsSource = Source.Describe(RepositoryLayout.Targets);
        var targetsBytes = Unchanged(RepositoryLayout.Targets, snapshot.Targets)
            ?? await Source.FetchAsync(RepositoryLayout.Targets, snapshot.Targets.Length, cancellationToken).ConfigureAwait(false)
            ?? throw new NotFoundException($"{targetsSource}: no such file") { Hint = "the repository is incomplete: tell its owner" };
        if (MetadataCodec.Sha256(targetsBytes) != snapshot.Targets.Sha256)
            throw MixAndMatch(targetsSource, "its SHA-256 is not the one snapshot.json names");
        var targetsEnvelope = MetadataCodec.Open(targetsBytes, targetsSource);
        MetadataCodec.Verify(targetsEnvelope, trustedRoot, RootMetadata.Targets, targetsSource);
        var targets = MetadataCodec.ParseTargets(targetsEnvelope, targetsSource);
        if (targets.Version != snapshot.Targets.Version)
            throw MixAndMatch(targetsSource, $"targets version {targets.Version}, snapshot.json names version {snapshot.Targets.Version}");
        if (targets.Expires <= now)
            throw Freeze(targetsSource, "targets", targets.Expires);
        await SaveAsync(RepositoryLayout.Targets, targetsBytes, cancellationToken).ConfigureAwait(false);
        return targets;
    }

    private static bool SameKeys(RootMetadata left, RootMetadata right, string role) =>
        left.Role(role).KeyIds.Order(StringComparer.Ordinal).SequenceEqual(right.Role(role).KeyIds.Order(StringComparer.Ordinal)) && left.Role(role).Threshold == right.Role(role).Threshold;

    private T? LoadTrusted<T>(string name, Func<Envelope, string, T> parse)
        where T : class
    {
        var path = Path.Combine(folder, name);
        return File.Exists(path) ? parse(MetadataCodec.Open(File.ReadAllBytes(path), path), path) : null;
    }

    /// <summary>
    /// The trusted copy when it is exactly the file <paramref name="meta"/> names (same length and SHA-256), so an
    /// up-to-date client fetches only timestamp.json; the copy then goes through every check a download would.
    /// </summary>
    private byte[]? Unchanged(string name, MetaFile meta)
    {
        var path = Path.Combine(folder, name);
        if (!File.Exists(path) || new FileInfo(path).Length != meta.Length)
            return null;
        var bytes = File.ReadAllBytes(path);
        return MetadataCodec.Sha256(bytes) == meta.Sha256 ? bytes : null;
    }

    private Task SaveAsync(string name, byte[] bytes, CancellationToken cancellationToken) =>
        RepositoryPublisher.WriteAtomicAsync(Path.Combine(folder, name), bytes, cancellationToken);

    private void Forget(string name) => File.Delete(Path.Combine(folder, name));

    internal static string UserIdOf(string armoredPublicKey)
    {
        try
        {
            var bundle = OpenPgp.ReadPublicKeys(armoredPublicKey, "key");
            return OpenPgp.FirstUserId(bundle.GetKeyRings().Cast<PgpPublicKeyRing>().First().GetPublicKey());
        }
        catch (InvalidInputException)
        {
            return "";
        }
    }

    private IntegrityException Rollback(string source, string detail) => new($"{source}: rollback attack refused: {detail}")
    {
        Hint = $"the repository or a mirror serves older metadata than remote '{Name}' has seen; nothing was installed. Tell the repository's owner",
    };

    private IntegrityException Freeze(string source, string role, DateTimeOffset expires) => new($"{source}: {role} metadata expired at {MetadataCodec.FormatTime(expires)} (freeze attack, or the repository is not maintained)")
    {
        Hint = $"the repository's owner must publish again ('virt-appliance repo publish'); nothing was installed from remote '{Name}'",
    };

    private static IntegrityException MixAndMatch(string source, string detail) => new($"{source}: mix-and-match refused: {detail}")
    {
        Hint = "the repository serves metadata of different publications together (a mirror half updated, or an attack); try again later",
    };

    private sealed record RemoteSettings(string Url);
}
