using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Packaging;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Distribution;

/// <summary>
/// The remotes of a store (ROOT/remotes/NAME/): add (trusting a root key), list, remove, search, install a
/// package by name (downloaded, checked against its signed target entry, then installed as a file is), and
/// the newer versions the deployed VMs could move to.
/// </summary>
public sealed class RemoteRepositories(ApplianceStore store, TimeProvider timeProvider)
{
    /// <summary>The root keys of the repository at <paramref name="url"/>, for trust on first use.</summary>
    public async Task<IReadOnlyList<RootKeyInfo>> PeekRootKeysAsync(string url, CancellationToken cancellationToken) =>
        (await RepositoryClient.PeekFirstRootAsync(new RepositorySource(url), cancellationToken).ConfigureAwait(false)).Keys;

    /// <summary>
    /// Adds a remote. Its first root must name <paramref name="armoredKey"/> (a public key file's text) or the key with
    /// <paramref name="fingerprint"/> among its root keys; then the metadata is fetched and checked once.
    /// </summary>
    public async Task<Remote> AddAsync(string name, string url, string? armoredKey, string? fingerprint, CancellationToken cancellationToken)
    {
        RepositoryClient.RequireName(name);
        if (RepositoryClient.Names(store.Root).Contains(name))
            throw new ConflictException($"a remote named '{name}' exists already") { Hint = $"remove it first ('virt-appliance remote remove {name}') or pick another name" };
        var source = new RepositorySource(url);
        var (root, bytes, keys) = await RepositoryClient.PeekFirstRootAsync(source, cancellationToken).ConfigureAwait(false);
        string wanted;
        if (armoredKey is not null)
            wanted = OpenPgp.PublicKeyFingerprint(armoredKey) ?? throw new InvalidInputException("--key: not an OpenPGP public key") { Hint = "export the repository's root key with 'gpg --armor --export ID'" };
        else if (fingerprint is not null)
            wanted = fingerprint.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        else
            throw new ArgumentException("a key or a fingerprint is needed", nameof(fingerprint));
        if (!root.Role(RootMetadata.Root).KeyIds.Contains(wanted))
            throw new IntegrityException($"{source.Describe(RepositoryLayout.VersionedRoot(1))}: the repository's root keys are {string.Join(", ", keys.Select(k => k.Fingerprint))}, not {wanted}")
            {
                Hint = "this is not the repository you meant to trust, or the key or fingerprint is wrong: check it with the repository's owner",
            };
        var client = await RepositoryClient.CreateAsync(store.Root, name, source, bytes, timeProvider, cancellationToken).ConfigureAwait(false);
        try
        {
            await client.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            client.Delete();
            throw;
        }
        return client.Describe();
    }

    public IReadOnlyList<Remote> List() => [.. RepositoryClient.Names(store.Root).Select(n => RepositoryClient.Open(store.Root, n, timeProvider).Describe())];

    public Remote Remove(string name)
    {
        var client = RepositoryClient.Open(store.Root, name, timeProvider);
        var described = client.Describe();
        client.Delete();
        return described;
    }

    /// <summary>Every package of every remote (refreshed first) whose name contains <paramref name="term"/>, newest first per name.</summary>
    public async Task<IReadOnlyList<RemoteTarget>> SearchAsync(string? term, string channel, CancellationToken cancellationToken) =>
        [.. (await OfferedAsync(term, channel, cancellationToken).ConfigureAwait(false)).Where(t => t.Target.Base is null)];

    /// <summary>Every package, full or delta, of every remote (refreshed first) whose name contains <paramref name="term"/>, newest first per name.</summary>
    private async Task<IReadOnlyList<RemoteTarget>> OfferedAsync(string? term, string channel, CancellationToken cancellationToken)
    {
        channel = Channels.Require(channel);
        var found = new List<RemoteTarget>();
        foreach (var name in RepositoryClient.Names(store.Root))
        {
            var targets = await RepositoryClient.Open(store.Root, name, timeProvider).RefreshAsync(cancellationToken).ConfigureAwait(false);
            found.AddRange(targets.Targets.Values
                .Where(t => Channels.Sees(channel, t.Channel) && (string.IsNullOrEmpty(term) || t.Name.Contains(term, StringComparison.OrdinalIgnoreCase)))
                .Select(t => new RemoteTarget(name, t)));
        }
        if (found.Count == 0 && RepositoryClient.Names(store.Root).Count == 0)
            throw new NotFoundException("no remotes to search") { Hint = "add one with 'virt-appliance remote add NAME URL --key KEY.asc'" };
        return [.. found.OrderBy(t => t.Target.Name, StringComparer.Ordinal).ThenByDescending(t => t.Target, ByVersion.Instance).ThenBy(t => t.Remote, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Installs NAME (the newest version in the channel, by rpm's version order) or NAME@VERSION[-RELEASE] from the
    /// remotes. Without a version, nothing happens when the store has that version or a newer one already: a
    /// repository cannot make the store take an older release as the newest.
    /// </summary>
    public async Task<RemoteInstall> InstallAsync(string reference, string channel, InstallOptions? options, IProgress<PackageProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        var (name, version) = at < 0 ? (reference, null) : (reference[..at], reference[(at + 1)..]);
        if (RepositoryClient.Names(store.Root).Count == 0)
            throw new NotFoundException($"{reference}: no such package file, and no remotes to install it from")
            {
                Hint = "give a .vapp file, or add a repository with 'virt-appliance remote add NAME URL --key KEY.asc'",
            };
        var offered = await OfferedAsync(null, channel, cancellationToken).ConfigureAwait(false);
        var candidates = offered
            .Where(t => t.Target.Base is null)
            .Where(t => t.Target.Name == name && (version is null || t.Target.Version == version || $"{t.Target.Version}-{t.Target.Release}" == version))
            .ToList();
        if (candidates.Count == 0)
            throw new NotFoundException($"{reference}: no remote offers it in the {Channels.Require(channel)} channel")
            {
                Hint = "see 'virt-appliance search'; a package in testing needs --channel testing",
            };
        var chosen = candidates.OrderByDescending(t => t.Target, ByVersion.Instance).First();

        if (version is null)
        {
            var installed = (await store.FindAsync(name, cancellationToken).ConfigureAwait(false)).LastOrDefault();
            if (installed is not null && VersionOrder.Compare(installed.Version, installed.Release, chosen.Target.Version, chosen.Target.Release) >= 0)
                return new RemoteInstall(chosen, null, installed);
        }

        var client = RepositoryClient.Open(store.Root, chosen.Remote, timeProvider);
        var delta = await DeltaForAsync(offered, chosen, cancellationToken).ConfigureAwait(false);
        string? fallback = null;
        if (delta is not null)
        {
            var part = await DownloadAsync(client, delta, progress, cancellationToken).ConfigureAwait(false);
            try
            {
                return new RemoteInstall(chosen, await store.InstallAsync(part, options, progress, cancellationToken).ConfigureAwait(false), null, delta, null);
            }
            catch (Exception e) when (e is IntegrityException or NotFoundException)
            {
                // The download matched its signed entry, so the installed base is what differs (or went away since the
                // check above): the full package does not need it. The store is as it was; say why in the result.
                fallback = e.Message;
            }
            finally
            {
                File.Delete(part);
            }
        }

        var full = await DownloadAsync(client, chosen.Target, progress, cancellationToken).ConfigureAwait(false);
        try
        {
            return new RemoteInstall(chosen, await store.InstallAsync(full, options, progress, cancellationToken).ConfigureAwait(false), null, chosen.Target, fallback);
        }
        finally
        {
            File.Delete(full);
        }
    }

    /// <summary>
    /// The smallest delta to <paramref name="chosen"/> that the same remote offers from a version the store holds, installed
    /// from the very package the delta was made from (same package digest), or installed from a delta itself (its package
    /// digest is the delta's, never the full package's, although its files are the full version's: the store's checks of the
    /// base files decide, and a base that differs falls back to the full package); null when there is none.
    /// </summary>
    private async Task<TargetEntry?> DeltaForAsync(IReadOnlyList<RemoteTarget> offered, RemoteTarget chosen, CancellationToken cancellationToken)
    {
        var deltas = offered.Where(t => t.Remote == chosen.Remote && t.Target.Base is not null
            && t.Target.Name == chosen.Target.Name && t.Target.Version == chosen.Target.Version && t.Target.Release == chosen.Target.Release).ToList();
        if (deltas.Count == 0)
            return null;
        var installed = new List<InstalledAppliance>();
        foreach (var name in deltas.Select(d => d.Target.Base!.Name).Distinct(StringComparer.Ordinal))
            installed.AddRange(await store.FindAsync(name, cancellationToken).ConfigureAwait(false));
        return deltas.Select(d => d.Target)
            .Where(d => installed.Any(i => i.Name == d.Base!.Name && i.Version == d.Base.Version && i.Release == d.Base.Release
                && (i.PackageSha256 == d.Base.PackageDigest || InstalledFromDelta(i))))
            .OrderBy(d => d.Length)
            .FirstOrDefault();
    }

    private static bool InstalledFromDelta(InstalledAppliance installed)
    {
        try
        {
            return Manifest.Parse(File.ReadAllBytes(Path.Combine(installed.Path, ApplianceStore.KeptManifestName))).Base is not null;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Downloads a target into the remote's downloads folder (resuming a cut download) and checks it against its signed entry.</summary>
    private static async Task<string> DownloadAsync(RepositoryClient client, TargetEntry target, IProgress<PackageProgress>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(client.DownloadsFolder);
        var part = Path.Combine(client.DownloadsFolder, target.Sha256 + ".part");
        var (sha256, sha512) = await client.Source.DownloadAsync($"{RepositoryLayout.TargetsFolder}/{target.File}", part, target.Length, progress, cancellationToken).ConfigureAwait(false);
        await CheckTargetAsync(part, target, sha256, sha512, client.Source.Describe($"{RepositoryLayout.TargetsFolder}/{target.File}"), cancellationToken).ConfigureAwait(false);
        return part;
    }

    /// <summary>
    /// For every VM in the store's index, the newest version its appliance has in the remotes when newer than what it runs,
    /// and what 'install' would download for it: the delta from a version the store holds, or the full package.
    /// </summary>
    public async Task<IReadOnlyList<AvailableUpdate>> CheckUpdatesAsync(string channel, CancellationToken cancellationToken)
    {
        var offered = await OfferedAsync(null, channel, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<InstanceRecord> instances;
        using (var index = await store.OpenIndexAsync(cancellationToken).ConfigureAwait(false))
            instances = await index.ListInstancesAsync(cancellationToken).ConfigureAwait(false);
        var updates = new List<AvailableUpdate>();
        foreach (var vm in instances.OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            var newest = offered.Where(t => t.Target.Name == vm.Appliance && t.Target.Base is null).OrderByDescending(t => t.Target, ByVersion.Instance).FirstOrDefault();
            if (newest is null || VersionOrder.Compare(newest.Target.Version, newest.Target.Release, vm.Version, vm.Release) <= 0)
            {
                updates.Add(new AvailableUpdate(vm.Name, vm.Appliance, $"{vm.Version}-{vm.Release}", null, null));
                continue;
            }
            var installed = (await store.FindAsync(vm.Appliance, cancellationToken).ConfigureAwait(false))
                .Any(i => i.Version == newest.Target.Version && i.Release == newest.Target.Release);
            var download = installed ? null : await DeltaForAsync(offered, newest, cancellationToken).ConfigureAwait(false) ?? newest.Target;
            updates.Add(new AvailableUpdate(vm.Name, vm.Appliance, $"{vm.Version}-{vm.Release}", $"{newest.Target.Version}-{newest.Target.Release}", newest.Remote,
                download?.Length, download?.Base?.Id));
        }
        return updates;
    }

    /// <summary>Length and both digests, then the package's own name, version and release, against the signed target entry.</summary>
    private static async Task CheckTargetAsync(string path, TargetEntry target, string sha256, string sha512, string source, CancellationToken cancellationToken)
    {
        var length = new FileInfo(path).Length;
        if (length != target.Length || sha256 != target.Sha256 || sha512 != target.Sha512)
        {
            File.Delete(path);
            throw new IntegrityException($"{source}: the package does not match its signed target entry ({length} bytes, SHA-256 {sha256[..16]}…; the entry says {target.Length} bytes, {target.Sha256[..16]}…)")
            {
                Hint = "the repository or a mirror serves other bytes than it signed; nothing was installed (the download was deleted)",
            };
        }

        var stream = PackageReader.OpenFile(path);
        await using (stream.ConfigureAwait(false))
        {
            var reader = new PackageReader(stream, leaveOpen: true, source);
            await using (reader.ConfigureAwait(false))
            {
                var header = await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
                var id = ApplianceIdentity.FromDescriptor(header.Descriptor, source);
                if (id.Name != target.Name || id.Version != target.Version || id.Release != target.Release)
                {
                    File.Delete(path);
                    throw new IntegrityException($"{source}: the package is {id}, its signed target entry says {target.Id}") { Hint = "the repository is inconsistent: tell its owner; nothing was installed" };
                }
                var baseVersion = header.Manifest.Base;
                if (baseVersion != target.Base)
                {
                    File.Delete(path);
                    throw new IntegrityException($"{source}: the package is {(baseVersion is null ? "a full package" : $"a delta from {baseVersion.Id} (package digest {baseVersion.PackageDigest})")}, "
                        + $"its signed target entry says {(target.Base is null ? "a full package" : $"a delta from {target.Base.Id} (package digest {target.Base.PackageDigest})")}")
                    {
                        Hint = "the repository is inconsistent: tell its owner; nothing was installed",
                    };
                }
            }
        }
    }

    private sealed class ByVersion : IComparer<TargetEntry>
    {
        public static readonly ByVersion Instance = new();

        public int Compare(TargetEntry? x, TargetEntry? y) => VersionOrder.Compare(x!.Version, x.Release, y!.Version, y.Release);
    }
}
