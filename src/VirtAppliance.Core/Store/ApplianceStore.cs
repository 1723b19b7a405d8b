using VirtAppliance.Core.Errors;
using VirtAppliance.Core.Internal;
using VirtAppliance.Core.Packaging;

namespace VirtAppliance.Core.Store;

/// <summary>
/// The local store of pristine appliances:
/// ROOT/appliances/NAME/VERSION-RELEASE/ (read-only), ROOT/index.db (SQLite), ROOT/trusted-keys/,
/// ROOT/.staging/ (installs in progress), ROOT/.lock (held while the store changes).
/// An install is verified and unpacked in staging, then renamed into place and indexed, so a
/// crash at any point leaves either nothing or the whole appliance.
/// </summary>
public sealed class ApplianceStore
{
    /// <summary>The store root when neither --root nor VIRT_APPLIANCE_ROOT says otherwise.</summary>
    public const string DefaultRoot = "/var/lib/appliances";

    /// <summary>The environment variable that overrides the default root.</summary>
    public const string RootVariable = "VIRT_APPLIANCE_ROOT";

    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>The manifest an appliance was installed from, kept in its folder so that it can be checked later.</summary>
    public const string KeptManifestName = ".manifest.json";

    private const UnixFileMode ReadOnlyFileMode = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly TimeProvider timeProvider;

    public ApplianceStore(string root, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        this.timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The root folder, given --root (may be null): --root, else $VIRT_APPLIANCE_ROOT, else /var/lib/appliances.</summary>
    public static string ResolveRoot(string? root) =>
        !string.IsNullOrEmpty(root) ? root : Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : DefaultRoot;

    public string Root { get; }

    /// <summary>How long a command waits for another one to release the store.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Takes the store's exclusive lock, for changes made outside this class (deploy creating overlays
    /// on installed images) that must not interleave with install or remove.
    /// </summary>
    /// <exception cref="ConflictException">Another command holds it longer than <see cref="LockTimeout"/>.</exception>
    public async Task<IDisposable> LockAsync(CancellationToken cancellationToken)
    {
        EnsureLayout();
        return await FileLock.AcquireAsync(LockPath, "the store", LockTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes VM <paramref name="name"/>'s lock (ROOT/locks/NAME.lock) for the whole of one operation on it (deploy, start, stop, update,
    /// rollback, config, undeploy), so that two commands (the CLI and the web server, or two of either) never change one VM at once:
    /// the second is refused at once. The lock files stay (empty; one per VM name): deleting one while another command opens it
    /// would let two hold "the" lock.
    /// </summary>
    /// <exception cref="ConflictException">Another command is changing that VM.</exception>
    public IDisposable LockVm(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        EnsureLayout();
        Directory.CreateDirectory(VmLocksFolder);
        return FileLock.TryAcquire(Path.Combine(VmLocksFolder, $"{name}.lock"), $"{name} is busy: another command is changing it",
            "wait for it to finish ('virt-appliance vms' shows its state) and try again");
    }

    /// <summary>Where the VMs' operation locks live (<see cref="LockVm"/>).</summary>
    public string VmLocksFolder => Path.Combine(Root, "locks");

    /// <summary>The keys whose signatures installs accept.</summary>
    public TrustStore TrustStore => new(Path.Combine(Root, "trusted-keys"));

    private string AppliancesFolder => Path.Combine(Root, "appliances");

    private string StagingFolder => Path.Combine(Root, ".staging");

    private string IndexPath => Path.Combine(Root, "index.db");

    /// <summary>Each VM's own folder (overlays, scratch and user disks, console log) is ROOT/instances/VM.</summary>
    public string InstancesFolder => Path.Combine(Root, "instances");

    /// <summary>User disks of undeployed VMs go to ROOT/kept/VM-TIME/.</summary>
    public string KeptFolder => Path.Combine(Root, "kept");

    /// <summary>Opens the index for the deployment engine (instances are rows of the same index).</summary>
    internal Task<StoreIndex> OpenIndexAsync(CancellationToken cancellationToken)
    {
        EnsureLayout();
        return StoreIndex.OpenAsync(IndexPath, cancellationToken);
    }

    private string LockPath => Path.Combine(Root, ".lock");

    /// <summary>Installs a package file. See <see cref="InstallAsync(Stream, string, InstallOptions?, IProgress{PackageProgress}?, CancellationToken)"/>.</summary>
    public async Task<InstallResult> InstallAsync(string packagePath, InstallOptions? options, IProgress<PackageProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(packagePath);
        var stream = PackageReader.OpenFile(packagePath);
        await using (stream.ConfigureAwait(false))
            return await InstallAsync(stream, packagePath, options, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Installs a package read from a stream (a file or a download): checks the signature against
    /// the trust store, verifies every file while unpacking into staging, and only then renames
    /// it into place and records it. Installing the identical package again changes nothing.
    /// </summary>
    /// <exception cref="IntegrityException">A digest, size or signature does not hold, or the package is unsigned.</exception>
    /// <exception cref="InvalidInputException">The package breaks a rule.</exception>
    /// <exception cref="ConflictException">A different package with the same name, version and release is installed, or the store is locked.</exception>
    public async Task<InstallResult> InstallAsync(Stream package, string sourceName, InstallOptions? options, IProgress<PackageProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(package);
        options ??= new InstallOptions();
        var step = options.StepHook ?? (_ => { });
        EnsureLayout();

        var reader = new PackageReader(package, leaveOpen: true, sourceName);
        await using (reader.ConfigureAwait(false))
        {
            var header = await reader.ReadHeaderAsync(cancellationToken).ConfigureAwait(false);
            var id = ApplianceIdentity.FromDescriptor(header.Descriptor, sourceName);
            var signature = await TrustStore.CheckAsync(header.Signature, header.Manifest.Bytes, cancellationToken).ConfigureAwait(false);
            CheckSignature(signature, options.AllowUnsigned, sourceName);

            // Fail early, before unpacking gigabytes; checked again under the lock. A row exists
            // only for a complete folder, so without the folder there is nothing to find.
            var target = FolderOf(id.Name, id.Version, id.Release);
            if (Directory.Exists(target))
            {
                using var index = await StoreIndex.OpenAsync(IndexPath, cancellationToken).ConfigureAwait(false);
                if (await FindSameAsync(index, id, header.Manifest, sourceName, cancellationToken).ConfigureAwait(false) is { } existing)
                    return new InstallResult(existing, AlreadyInstalled: true);
            }

            // A delta package: its base version must be installed and intact, and be the one the delta was made from.
            if (header.Manifest.Base is { } baseVersion)
                reader.BaseDirectory = (await CheckDeltaBaseAsync(header.Manifest, baseVersion, sourceName, cancellationToken).ConfigureAwait(false)).Path;

            // The pid in the name lets gc tell a dead install's leftovers from a running one's.
            var staging = Path.Combine(StagingFolder, $"{Environment.ProcessId}-{Guid.NewGuid():N}");
            CreateFolder(staging);
            step("staging created");

            // Opening the index (loading SQLite) overlaps the unpacking; it is used only under the lock.
            var indexOpening = Task.Run(() => StoreIndex.OpenAsync(IndexPath, cancellationToken), cancellationToken);
            StoreIndex? openedIndex = null;
            try
            {
                var content = Path.Combine(staging, "content");
                var current = -1;
                var stepping = new StepProgress(p =>
                {
                    if (p.FileIndex != current)
                    {
                        current = p.FileIndex;
                        step($"writing {p.Path}");
                    }
                    else
                    {
                        step($"writing {p.Path} at {p.BytesDone}");
                    }

                    progress?.Report(p);
                });
                await reader.ExtractAsync(content, options.VerifyContent, stepping, cancellationToken).ConfigureAwait(false);
                step("extracted");
                await File.WriteAllBytesAsync(Path.Combine(content, KeptManifestName), header.Manifest.Bytes, cancellationToken).ConfigureAwait(false);

                var size = SealFolder(content);
                step("sealed");

                using var storeLock = await FileLock.AcquireAsync(LockPath, "the store", LockTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
                step("locked");
                var index = openedIndex = await indexOpening.ConfigureAwait(false);
                await RecoverAsync(index, cancellationToken).ConfigureAwait(false);
                if (await FindSameAsync(index, id, header.Manifest, sourceName, cancellationToken).ConfigureAwait(false) is { } existing)
                    return new InstallResult(existing, AlreadyInstalled: true);

                var nameFolder = Path.GetDirectoryName(target)!;
                CreateFolder(nameFolder);
                Directory.Move(content, target);
                Posix.SyncDirectory(nameFolder);
                step("renamed");

                var appliance = new InstalledAppliance(id.Name, id.Version, id.Release, header.Manifest.Sha256,
                    signature.Status == SignatureStatus.Trusted ? signature.Fingerprint : null,
                    signature.Status == SignatureStatus.Trusted ? signature.UserId : null,
                    size, timeProvider.GetUtcNow(), target);
                await index.InsertApplianceAsync(appliance, cancellationToken).ConfigureAwait(false);
                step("indexed");
                return new InstallResult(appliance, AlreadyInstalled: false);
            }
            catch (IOException e)
            {
                throw new VirtApplianceException($"{sourceName}: cannot install into {Root}: {e.Message}", e) { Hint = "check the free space and permissions of the store; nothing was installed" };
            }
            finally
            {
                DeleteTree(staging);
                if (openedIndex is not null)
                    openedIndex.Dispose();
                else
                    _ = indexOpening.ContinueWith(t => t.Result.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            }
        }
    }

    /// <summary>
    /// Checks an installed appliance against the manifest it was installed from: every file there,
    /// with its size and content digest, and the kept manifest the one the index recorded.
    /// </summary>
    /// <returns>The manifest it was checked against.</returns>
    /// <exception cref="IntegrityException">A file is missing or changed, or the kept manifest is missing or not the installed one.</exception>
    public async Task<Manifest> VerifyAsync(InstalledAppliance appliance, IProgress<PackageProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(appliance);
        const string reinstall = "remove it and install its package again ('virt-appliance remove', then 'virt-appliance install')";
        var manifestPath = Path.Combine(appliance.Path, KeptManifestName);
        if (!File.Exists(manifestPath))
            throw new IntegrityException($"{appliance.Id}: {manifestPath} is missing, so its files cannot be checked") { Hint = reinstall };
        var bytes = await File.ReadAllBytesAsync(manifestPath, cancellationToken).ConfigureAwait(false);
        Manifest manifest;
        try
        {
            manifest = Manifest.Parse(bytes);
        }
        catch (InvalidDataException e)
        {
            throw new IntegrityException($"{manifestPath}: {e.Message}", e) { Hint = reinstall };
        }

        if (manifest.Sha256 != appliance.PackageSha256)
            throw new IntegrityException($"{manifestPath} is not the manifest of the package installed as {appliance.Id}") { Hint = reinstall };

        var problems = new List<string>();
        for (var i = 0; i < manifest.Files.Count; i++)
        {
            var file = manifest.Files[i];
            var path = Path.Combine(appliance.Path, file.Path);
            if (!File.Exists(path))
            {
                problems.Add($"{file.Path} is missing");
                continue;
            }

            var length = new FileInfo(path).Length;
            if (length != file.Size)
            {
                problems.Add($"{file.Path} is {length} bytes, {file.Size} were installed");
                continue;
            }

            progress?.Report(new PackageProgress(file.Path, i, manifest.Files.Count, 0, file.Size));
            var digest = Convert.ToHexStringLower(await ContentHash.ComputeFileAsync(path, cancellationToken).ConfigureAwait(false));
            if (digest != file.ContentDigest)
                problems.Add($"{file.Path} changed since it was installed");
            progress?.Report(new PackageProgress(file.Path, i, manifest.Files.Count, file.Size, file.Size));
        }

        if (problems.Count > 0)
            throw new IntegrityException($"{appliance.Id}: {string.Join("; ", problems)}") { Hint = reinstall };
        return manifest;
    }

    /// <summary>
    /// Every installed appliance version, sorted by name, version, release. Complete folders that another tool put
    /// into appliances/ (an RPM installed without the CLI in its root) are registered first; nothing is removed.
    /// </summary>
    public async Task<IReadOnlyList<InstalledAppliance>> ListAsync(CancellationToken cancellationToken)
    {
        if (await HasUnindexedFoldersAsync(cancellationToken).ConfigureAwait(false))
        {
            using var storeLock = await FileLock.AcquireAsync(LockPath, "the store", LockTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
            using var adopting = await StoreIndex.OpenAsync(IndexPath, cancellationToken).ConfigureAwait(false);
            await RecoverAsync(adopting, cancellationToken, discard: false).ConfigureAwait(false);
        }
        if (!File.Exists(IndexPath))
            return [];
        using var index = await StoreIndex.OpenAsync(IndexPath, cancellationToken).ConfigureAwait(false);
        return [.. (await index.ListAppliancesAsync(null, cancellationToken).ConfigureAwait(false)).Select(Here)];
    }

    /// <summary>Finds NAME, NAME@VERSION or NAME@VERSION-RELEASE; with several matches the highest sorts last.</summary>
    public async Task<IReadOnlyList<InstalledAppliance>> FindAsync(string reference, CancellationToken cancellationToken)
    {
        var (name, version) = SplitReference(reference);
        if (!File.Exists(IndexPath))
            return [];
        using var index = await StoreIndex.OpenAsync(IndexPath, cancellationToken).ConfigureAwait(false);
        return [.. (await index.ListAppliancesAsync(name, cancellationToken).ConfigureAwait(false)).Where(a => Matches(a, version)).Select(Here)];
    }

    /// <summary>
    /// Removes NAME[@VERSION[-RELEASE]], which must match exactly one installed version, and only
    /// while no instance runs it or keeps it as its rollback target (the index rows are its leases).
    /// </summary>
    /// <exception cref="NotFoundException">Nothing matches.</exception>
    /// <exception cref="ConflictException">Several versions match, or VMs hold it, or the store is locked.</exception>
    public async Task<InstalledAppliance> RemoveAsync(string reference, CancellationToken cancellationToken)
    {
        var (name, version) = SplitReference(reference);
        EnsureLayout();
        using var storeLock = await FileLock.AcquireAsync(LockPath, "the store", LockTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
        using var index = await StoreIndex.OpenAsync(IndexPath, cancellationToken).ConfigureAwait(false);
        await RecoverAsync(index, cancellationToken).ConfigureAwait(false);
        var matches = (await index.ListAppliancesAsync(name, cancellationToken).ConfigureAwait(false)).Where(a => Matches(a, version)).ToList();
        if (matches.Count == 0)
            throw new NotFoundException($"no installed appliance matches '{reference}'") { Hint = "list what is installed with 'virt-appliance list'" };
        if (matches.Count > 1)
            throw new ConflictException($"'{reference}' matches {string.Join(", ", matches.Select(m => m.Id))}") { Hint = "say which one: NAME@VERSION-RELEASE" };

        var appliance = matches[0];
        var holders = await index.InstancesHoldingAsync(appliance, cancellationToken).ConfigureAwait(false);
        if (holders.Count > 0)
        {
            var running = holders.Where(h => !h.AsRollbackTarget).Select(h => h.Name).ToList();
            var keeping = holders.Where(h => h.AsRollbackTarget).Select(h => h.Name).ToList();
            var reasons = new List<string>();
            if (running.Count > 0)
                reasons.Add($"{string.Join(", ", running)} run{(running.Count == 1 ? "s" : "")} it");
            if (keeping.Count > 0)
                reasons.Add($"{string.Join(", ", keeping)} keep{(keeping.Count == 1 ? "s" : "")} it as {(keeping.Count == 1 ? "its" : "their")} rollback target");
            throw new ConflictException($"{appliance.Id} is in use: {string.Join("; ", reasons)}")
            {
                Hint = keeping.Count > 0 && running.Count == 0
                    ? "undeploy those VMs, or update them again so that they no longer roll back to it"
                    : "undeploy those VMs first (or update them to another version)",
            };
        }

        await index.DeleteApplianceAsync(appliance, cancellationToken).ConfigureAwait(false);
        DiscardFolder(FolderOf(appliance.Name, appliance.Version, appliance.Release));
        return appliance;
    }

    /// <summary>
    /// Registers NAME@VERSION-RELEASE whose folder is already in appliances/ (put there by a package manager: the
    /// %post of an RPM that <c>export --rpm</c> made). The folder must be complete, with its kept manifest, and every
    /// file must match it; registering what is already registered changes nothing.
    /// </summary>
    /// <exception cref="InvalidInputException">The reference is not NAME@VERSION-RELEASE.</exception>
    /// <exception cref="NotFoundException">There is no such folder.</exception>
    /// <exception cref="IntegrityException">The folder is not a complete appliance, or a file does not match the kept manifest.</exception>
    public async Task<InstalledAppliance> AdoptAsync(string reference, CancellationToken cancellationToken)
    {
        var (name, versionRelease) = SplitReference(reference);
        if (versionRelease is null || name.Contains('/', StringComparison.Ordinal) || versionRelease.Contains('/', StringComparison.Ordinal) || name.StartsWith('.'))
            throw new InvalidInputException($"'{reference}': adopt needs NAME@VERSION-RELEASE, the folder's name under appliances/")
            {
                Hint = "for example 'virt-appliance adopt tiny@1.0-1'",
            };
        EnsureLayout();
        var folder = Path.Combine(AppliancesFolder, name, versionRelease);
        if (!Directory.Exists(folder))
            throw new NotFoundException($"{folder}: no such appliance folder") { Hint = "adopt registers a folder a package manager installed; install a .vapp with 'virt-appliance install'" };
        using var storeLock = await FileLock.AcquireAsync(LockPath, "the store", LockTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
        using var index = await StoreIndex.OpenAsync(IndexPath, cancellationToken).ConfigureAwait(false);
        var known = (await index.ListAppliancesAsync(name, cancellationToken).ConfigureAwait(false)).FirstOrDefault(a => FolderOf(a.Name, a.Version, a.Release) == folder);
        if (known is not null)
            return known;
        var adopted = await AdoptFolderAsync(folder, cancellationToken).ConfigureAwait(false)
            ?? throw new IntegrityException($"{folder} is not a complete appliance (its {KeptManifestName}, descriptor and files must agree with its name)")
            {
                Hint = "reinstall the package that put it there",
            };
        await VerifyAsync(adopted, null, cancellationToken).ConfigureAwait(false);
        await index.InsertApplianceAsync(adopted, cancellationToken).ConfigureAwait(false);
        return adopted;
    }

    private async Task<bool> HasUnindexedFoldersAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(AppliancesFolder))
            return false;
        var folders = Directory.EnumerateDirectories(AppliancesFolder).SelectMany(Directory.EnumerateDirectories).ToList();
        if (folders.Count == 0)
            return false;
        if (!File.Exists(IndexPath))
            return true;
        using var index = await StoreIndex.OpenAsync(IndexPath, cancellationToken).ConfigureAwait(false);
        var known = (await index.ListAppliancesAsync(null, cancellationToken).ConfigureAwait(false))
            .Select(a => FolderOf(a.Name, a.Version, a.Release)).ToHashSet(StringComparer.Ordinal);
        return folders.Any(folder => !known.Contains(folder));
    }

    /// <summary>Removes what crashed or failed commands left: staging folders and unindexed appliance folders.</summary>
    /// <returns>How many leftovers were removed.</returns>
    public async Task<int> CollectGarbageAsync(CancellationToken cancellationToken)
    {
        EnsureLayout();
        using var storeLock = await FileLock.AcquireAsync(LockPath, "the store", LockTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
        using var index = await StoreIndex.OpenAsync(IndexPath, cancellationToken).ConfigureAwait(false);
        var removed = await RecoverAsync(index, cancellationToken).ConfigureAwait(false);
        foreach (var leftover in Directory.EnumerateDirectories(StagingFolder))
        {
            // Installs stage without the lock: keep the folders of processes still running.
            if (IsDiscarded(leftover) || !IsOwnerAlive(leftover))
            {
                DeleteTree(leftover);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>
    /// The row with its folder under this root: the recorded path is where the installing process saw it, which differs
    /// when the store is reached through another path (an RPM's %post registered it inside a chroot, a moved root).
    /// </summary>
    private InstalledAppliance Here(InstalledAppliance appliance) => appliance with { Path = FolderOf(appliance.Name, appliance.Version, appliance.Release) };

    private string FolderOf(string name, string version, string release) => Path.Combine(AppliancesFolder, name, $"{version}-{release}");

    private static bool IsOwnerAlive(string folder)
    {
        var name = Path.GetFileName(folder);
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || !int.TryParse(name.AsSpan(0, dash), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid))
            return false;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
    }

    private static bool IsDiscarded(string folder) => Path.GetFileName(folder).StartsWith("removed-", StringComparison.Ordinal);

    /// <summary>
    /// Under the lock: an appliance folder without an index row. A folder is renamed into appliances/ only when complete
    /// and sealed, so one whose kept manifest and descriptor agree with its name is an install that lost its row (a crash
    /// between the rename and the row, or a lost or replaced index.db): it is adopted again, never deleted. Anything
    /// else there is the remains of a crash and goes.
    /// </summary>
    private async Task<int> RecoverAsync(StoreIndex index, CancellationToken cancellationToken, bool discard = true)
    {
        // By name, not by recorded path: the root may be reached through another path than at install.
        var known = (await index.ListAppliancesAsync(null, cancellationToken).ConfigureAwait(false))
            .Select(a => FolderOf(a.Name, a.Version, a.Release)).ToHashSet(StringComparer.Ordinal);
        var removed = 0;
        foreach (var nameFolder in Directory.EnumerateDirectories(AppliancesFolder))
        {
            foreach (var versionFolder in Directory.EnumerateDirectories(nameFolder))
            {
                if (!known.Contains(versionFolder))
                {
                    if (await AdoptFolderAsync(versionFolder, cancellationToken).ConfigureAwait(false) is { } adopted)
                    {
                        await index.InsertApplianceAsync(adopted, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    if (!discard)
                        continue;
                    DiscardFolder(versionFolder);
                    removed++;
                }
            }

            if (discard && !Directory.EnumerateFileSystemEntries(nameFolder).Any())
                Directory.Delete(nameFolder);
        }

        return removed;
    }

    /// <summary>The row of a complete appliance folder, from its kept manifest and descriptor; null when it is not one.</summary>
    private async Task<InstalledAppliance?> AdoptFolderAsync(string folder, CancellationToken cancellationToken)
    {
        try
        {
            var manifest = Manifest.Parse(await File.ReadAllBytesAsync(Path.Combine(folder, KeptManifestName), cancellationToken).ConfigureAwait(false));
            var descriptor = await File.ReadAllBytesAsync(Path.Combine(folder, manifest.Descriptor.Path), cancellationToken).ConfigureAwait(false);
            var id = ApplianceIdentity.FromDescriptor(descriptor, folder);
            if (FolderOf(id.Name, id.Version, id.Release) != folder)
                return null;
            if (manifest.Files.Any(file => !File.Exists(Path.Combine(folder, file.Path)) || new FileInfo(Path.Combine(folder, file.Path)).Length != file.Size))
                return null;
            var size = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(AllocatedBytes);
            // The signature is not kept in the folder: an adopted appliance is listed as unsigned.
            return new InstalledAppliance(id.Name, id.Version, id.Release, manifest.Sha256, null, null, size,
                new DateTimeOffset(Directory.GetLastWriteTimeUtc(folder), TimeSpan.Zero), folder);
        }
        catch (Exception error) when (error is IOException or InvalidDataException or UnauthorizedAccessException or VirtApplianceException)
        {
            return null;
        }
    }

    /// <summary>
    /// The installed base of a delta package, verified (every file against its kept manifest) and
    /// holding the files the delta copies from, with the content digests the delta names.
    /// </summary>
    /// <exception cref="NotFoundException">The base version is not installed.</exception>
    /// <exception cref="IntegrityException">The installed base is damaged or is not the version the delta was made from.</exception>
    private async Task<InstalledAppliance> CheckDeltaBaseAsync(Manifest delta, PackageBase baseVersion, string source, CancellationToken cancellationToken)
    {
        var baseId = ApplianceIdentity.Create(baseVersion.Name, baseVersion.Version, baseVersion.Release, source);
        InstalledAppliance? installed = null;
        if (File.Exists(IndexPath))
        {
            using var index = await StoreIndex.OpenAsync(IndexPath, cancellationToken).ConfigureAwait(false);
            installed = await index.FindApplianceAsync(baseId, cancellationToken).ConfigureAwait(false);
        }

        if (installed is null)
            throw new NotFoundException($"{source}: a delta package from {baseVersion.Id}, which is not installed in {Root}")
            {
                Hint = $"install {baseVersion.Id} first, or install the full package of this version instead",
            };

        var hint = $"install the full package of this version instead (or remove {baseVersion.Id} and install its package again)";
        Manifest baseManifest;
        try
        {
            baseManifest = await VerifyAsync(installed, progress: null, cancellationToken).ConfigureAwait(false);
        }
        catch (IntegrityException e)
        {
            throw new IntegrityException($"{source}: the base {baseVersion.Id} is damaged: {e.Message}", e) { Hint = hint };
        }

        foreach (var file in delta.Files)
        {
            if (file.BaseFile is not { } baseFile)
                continue;
            var have = baseManifest.Files.FirstOrDefault(f => f.Path == baseFile.Path);
            if (have is null || have.Size != baseFile.Size || have.ContentDigest != baseFile.ContentDigest)
                throw new IntegrityException($"{source}: the installed {baseVersion.Id} is not the version this delta was made from: its '{baseFile.Path}' {(have is null ? "is missing" : "differs")}")
                {
                    Hint = hint,
                };
        }

        return installed;
    }

    private async Task<InstalledAppliance?> FindSameAsync(StoreIndex index, ApplianceIdentity id, Manifest manifest, string source, CancellationToken cancellationToken)
    {
        var existing = await index.FindApplianceAsync(id, cancellationToken).ConfigureAwait(false);
        if (existing is null)
            return null;
        if (existing.PackageSha256 == manifest.Sha256 || await HasSameContentAsync(existing, manifest, cancellationToken).ConfigureAwait(false))
            return existing;
        throw new ConflictException($"{source}: {id} is already installed from a different package") { Hint = $"remove it first ('virt-appliance remove {id}') or give the new package a new release" };
    }

    /// <summary>
    /// Whether the installed appliance holds exactly the files of <paramref name="manifest"/> (paths, roles,
    /// formats, sizes, content digests): the full package of a version installed from a delta, or the other way round.
    /// </summary>
    private async Task<bool> HasSameContentAsync(InstalledAppliance existing, Manifest manifest, CancellationToken cancellationToken)
    {
        Manifest kept;
        try
        {
            kept = Manifest.Parse(await File.ReadAllBytesAsync(Path.Combine(FolderOf(existing.Name, existing.Version, existing.Release), KeptManifestName), cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return false;
        }

        return kept.Sha256 == existing.PackageSha256 && kept.Files.Count == manifest.Files.Count
            && kept.Files.Zip(manifest.Files).All(pair => pair.First.Path == pair.Second.Path && pair.First.Role == pair.Second.Role
                && pair.First.Format == pair.Second.Format && pair.First.Size == pair.Second.Size && pair.First.ContentDigest == pair.Second.ContentDigest);
    }

    private static void CheckSignature(SignatureCheck signature, bool allowUnsigned, string source)
    {
        switch (signature.Status)
        {
            case SignatureStatus.Trusted:
                return;
            case SignatureStatus.Unsigned when allowUnsigned:
                return;
            case SignatureStatus.Unsigned:
                throw new IntegrityException($"{source}: the package is not signed") { Hint = "ask its supplier for a signed package, or install with --allow-unsigned if you trust where it came from" };
            case SignatureStatus.UntrustedKey:
                throw new IntegrityException($"{source}: signed by key {signature.KeyId}, which is not trusted") { Hint = "if you trust the supplier, add their public key: virt-appliance trust add KEY.asc" };
            default:
                throw new IntegrityException($"{source}: the signature does not match the manifest{(signature.UserId is null ? "" : $" (key of {signature.UserId})")}") { Hint = "the package was altered after signing: fetch it again from its supplier" };
        }
    }

    private static long AllocatedBytes(string file)
    {
        using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read);
        return FileExtents.Find(handle, RandomAccess.GetLength(handle)).Sum(extent => extent.Length);
    }

    /// <summary>Makes files 0444 and folders 0755, syncs them, and returns the bytes they occupy.</summary>
    private static long SealFolder(string folder)
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("the appliance store needs Linux");
        long size = 0;
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, ReadOnlyFileMode);
            size += AllocatedBytes(file);
        }

        foreach (var directory in Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories).Append(folder).OrderByDescending(d => d.Length))
        {
            File.SetUnixFileMode(directory, FolderMode);
            Posix.SyncDirectory(directory);
        }

        return size;
    }

    /// <summary>Moves a folder out of sight first (one rename), then deletes it.</summary>
    private void DiscardFolder(string folder)
    {
        var trash = Path.Combine(StagingFolder, "removed-" + Guid.NewGuid().ToString("N"));
        Directory.Move(folder, trash);
        Posix.SyncDirectory(Path.GetDirectoryName(folder)!);
        DeleteTree(trash);
    }

    private static void DeleteTree(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for gc; the failure that brought us here matters more.
        }
    }

    private void EnsureLayout()
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("the appliance store needs Linux");
        foreach (var folder in new[] { Root, AppliancesFolder, StagingFolder })
        {
            if (!Directory.Exists(folder))
                CreateFolder(folder);
        }
    }

    private static void CreateFolder(string folder)
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("the appliance store needs Linux");
        Directory.CreateDirectory(folder, FolderMode);
    }

    private static (string Name, string? Version) SplitReference(string reference)
    {
        ArgumentException.ThrowIfNullOrEmpty(reference);
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? (reference, null) : (reference[..at], reference[(at + 1)..]);
    }

    private static bool Matches(InstalledAppliance appliance, string? version) =>
        version is null || appliance.Version == version || $"{appliance.Version}-{appliance.Release}" == version;

    /// <summary>Reports synchronously (Progress&lt;T&gt; would post to another thread and lose the step order).</summary>
    private sealed class StepProgress(Action<PackageProgress> report) : IProgress<PackageProgress>
    {
        public void Report(PackageProgress value) => report(value);
    }
}
