using VirtAppliance.Core.Distribution;
using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Packaging;
using VirtAppliance.Core.Store;

namespace VirtAppliance.Core.Services;

/// <summary>Distribution: make and publish a signed repository (repo …), and install from remotes (remote …, search, install NAME, update --check).</summary>
public sealed class RepositoryService(ApplianceStore store, TimeProvider timeProvider)
{
    private readonly RepositoryPublisher publisher = new(timeProvider);
    private readonly RemoteRepositories remotes = new(store, timeProvider);

    private static string? Passphrase => Environment.GetEnvironmentVariable(PackageSigner.PassphraseVariable);

    public async Task<RepositoryState> InitAsync(string directory, IReadOnlyList<string> keyPaths, string? onlineKeyPath, int threshold, string? rootExpires, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyPaths);
        var keys = await LoadKeysAsync(keyPaths, cancellationToken).ConfigureAwait(false);
        var online = onlineKeyPath is null ? keys.FirstOrDefault() : await RepositoryKey.LoadAsync(onlineKeyPath, Passphrase, cancellationToken).ConfigureAwait(false);
        return await publisher.InitAsync(directory, keys, online!, threshold,
            rootExpires is null ? RepositoryPublisher.DefaultRootExpiry : Durations.Parse(rootExpires, "--expires"), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<TargetEntry>> AddAsync(string directory, IReadOnlyList<string> packages, string? channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(packages);
        var added = new List<TargetEntry>();
        foreach (var package in packages)
            added.Add(await publisher.AddAsync(directory, PackageService.RequireFile(package, "package"), Channels.Require(channel), cancellationToken).ConfigureAwait(false));
        return added;
    }

    public async Task<RepositoryState> PublishAsync(string directory, IReadOnlyList<string> keyPaths, string? onlineKeyPath, string? timestampExpires, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyPaths);
        if (keyPaths.Count == 0)
            throw new InvalidInputException("repo publish needs --key (the targets key)") { Hint = "give the secret key file(s) the repository's root names for targets: --key KEY.asc" };
        var keys = await LoadKeysAsync(keyPaths, cancellationToken).ConfigureAwait(false);
        var online = onlineKeyPath is null ? keys[0] : await RepositoryKey.LoadAsync(onlineKeyPath, Passphrase, cancellationToken).ConfigureAwait(false);
        var expiry = timestampExpires is null ? PublishExpiry.Default : PublishExpiry.Default with { Timestamp = Durations.Parse(timestampExpires, "--timestamp-expires") };
        return await publisher.PublishAsync(directory, keys, online, expiry, cancellationToken).ConfigureAwait(false);
    }

    public async Task<RepositoryState> RotateKeyAsync(string directory, IReadOnlyList<string> oldKeyPaths, IReadOnlyList<string> newKeyPaths, string? newOnlineKeyPath, int threshold, CancellationToken cancellationToken)
    {
        var oldKeys = await LoadKeysAsync(oldKeyPaths, cancellationToken).ConfigureAwait(false);
        var newKeys = await LoadKeysAsync(newKeyPaths, cancellationToken).ConfigureAwait(false);
        var online = newOnlineKeyPath is null ? null : await RepositoryKey.LoadAsync(newOnlineKeyPath, Passphrase, cancellationToken).ConfigureAwait(false);
        return await publisher.RotateAsync(directory, oldKeys, newKeys, online, threshold, RepositoryPublisher.DefaultRootExpiry, cancellationToken).ConfigureAwait(false);
    }

    public Task<RepositoryState> StatusAsync(string directory, CancellationToken cancellationToken) => RepositoryPublisher.StateAsync(directory, cancellationToken);

    public Task<IReadOnlyList<RootKeyInfo>> PeekRootKeysAsync(string url, CancellationToken cancellationToken) => remotes.PeekRootKeysAsync(url, cancellationToken);

    public async Task<Remote> AddRemoteAsync(string name, string url, string? keyPath, string? fingerprint, CancellationToken cancellationToken)
    {
        var armored = keyPath is null ? null : await File.ReadAllTextAsync(PackageService.RequireFile(keyPath, "key"), cancellationToken).ConfigureAwait(false);
        return await remotes.AddAsync(name, url, armored, fingerprint, cancellationToken).ConfigureAwait(false);
    }

    public IReadOnlyList<Remote> ListRemotes() => remotes.List();

    public Remote RemoveRemote(string name) => remotes.Remove(name);

    public Task<IReadOnlyList<RemoteTarget>> SearchAsync(string? term, string? channel, CancellationToken cancellationToken) =>
        remotes.SearchAsync(term, Channels.Require(channel), cancellationToken);

    public Task<RemoteInstall> InstallAsync(string reference, string? channel, bool allowUnsigned, IProgress<PackageProgress>? progress, CancellationToken cancellationToken) =>
        remotes.InstallAsync(reference, Channels.Require(channel), new InstallOptions { AllowUnsigned = allowUnsigned }, progress, cancellationToken);

    public Task<IReadOnlyList<AvailableUpdate>> CheckUpdatesAsync(string? channel, CancellationToken cancellationToken) =>
        remotes.CheckUpdatesAsync(Channels.Require(channel), cancellationToken);

    private static async Task<List<RepositoryKey>> LoadKeysAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var keys = new List<RepositoryKey>();
        foreach (var path in paths)
            keys.Add(await RepositoryKey.LoadAsync(path, Passphrase, cancellationToken).ConfigureAwait(false));
        return keys;
    }
}
