using Shouldly;
using Xunit;

namespace VirtAppliance.EndToEnd.Tests;

/// <summary>
/// A signed repository served over HTTP from 127.0.0.1, installed from by the real CLI; every attack the
/// client must refuse (rollback, freeze, mix-and-match, endless data, wrong bytes, foreign keys) ends in
/// exit 5 with the store exactly as it was.
/// </summary>
public sealed class RepositoryTests : IDisposable
{
    private readonly TemporaryFolder work = new();
    private readonly GnuPg supplier = new("Repository Root <root@example.org>");
    private readonly string repo;
    private readonly string store;
    private readonly RepositoryServer server;

    public RepositoryTests()
    {
        repo = Path.Combine(work.Path, "repo");
        store = Path.Combine(work.Path, "store");
        server = new RepositoryServer(repo);
    }

    private static async Task<CliResult> Cli(params string[] args) => await CliRunner.InProcessAsync(args);

    private Task<CliResult> Client(params string[] args) => Cli([.. args, "--root", store]);

    private static async Task<string> Package(string version) => Path.Combine(await TinyAppliances.PackagesAsync(), $"tiny-{version}.vapp");

    /// <summary>A repository with tiny 1.0 (stable) and 2.0 (testing), published once, and the store's remote 'acme' on it.</summary>
    private async Task PublishedAsync(string timestampExpires = "1d")
    {
        (await Cli("repo", "init", repo, "--key", supplier.SecretKeyPath)).ExitCode.ShouldBe(0);
        (await Cli("repo", "add", repo, await Package("1.0"))).ExitCode.ShouldBe(0);
        (await Cli("repo", "add", repo, await Package("2.0"), "--channel", "testing")).ExitCode.ShouldBe(0);
        await Publish(timestampExpires);
        var added = await Client("remote", "add", "acme", server.Url, "--key", supplier.PublicKeyPath);
        added.ExitCode.ShouldBe(0, added.ToString());
    }

    private async Task Publish(string timestampExpires = "1d", string? key = null)
    {
        var published = await Cli("repo", "publish", repo, "--key", key ?? supplier.SecretKeyPath, "--timestamp-expires", timestampExpires);
        published.ExitCode.ShouldBe(0, published.ToString());
    }

    /// <summary>The store's appliance folders (every file with its size) and its index as list --json shows it.</summary>
    private async Task<string> StoreState()
    {
        var appliances = Path.Combine(store, "appliances");
        var files = Directory.Exists(appliances)
            ? string.Join("\n", Directory.EnumerateFiles(appliances, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f => $"{f} {new FileInfo(f).Length}"))
            : "";
        var staging = Directory.Exists(Path.Combine(store, ".staging")) ? Directory.EnumerateFileSystemEntries(Path.Combine(store, ".staging")).Count() : 0;
        return $"{files}\nstaging entries: {staging}\n{(await Client("list", "--json")).Stdout}";
    }

    private async Task RefusedAsync(string expected, params string[] args)
    {
        var before = await StoreState();
        var result = await Client(args);
        result.ExitCode.ShouldBe(5, result.ToString());
        result.Stderr.ShouldContain(expected, Case.Insensitive, result.ToString());
        (await StoreState()).ShouldBe(before);
    }

    [Fact]
    public async Task Install_by_name_takes_the_newest_of_the_channel_and_never_an_older_one_as_newest()
    {
        // Given
        await PublishedAsync();

        // When
        var stable = await Client("install", "tiny", "--allow-unsigned");
        var testing = await Client("install", "tiny", "--allow-unsigned", "--channel", "testing");
        var againStable = await Client("install", "tiny", "--allow-unsigned");

        // Then
        stable.ExitCode.ShouldBe(0, stable.ToString());
        stable.Stdout.ShouldContain("installed tiny@1.0-1 from remote acme");
        testing.ExitCode.ShouldBe(0, testing.ToString());
        testing.Stdout.ShouldContain("installed tiny@2.0-1");
        againStable.ExitCode.ShouldBe(0, againStable.ToString());
        againStable.Stdout.ShouldContain("tiny@2.0-1 is installed; remote acme offers nothing newer");
        var search = await Client("search", "tin", "--channel", "testing");
        search.Stdout.IndexOf("2.0-1", StringComparison.Ordinal).ShouldBeLessThan(search.Stdout.IndexOf("1.0-1", StringComparison.Ordinal), search.ToString());
        (await Client("search")).Stdout.ShouldNotContain("2.0-1");
        Directory.EnumerateFiles(Path.Combine(store, "remotes", "acme", "downloads")).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_up_to_date_client_fetches_only_the_timestamp_and_a_new_publication_in_full()
    {
        // Given
        await PublishedAsync();
        server.Requests.Clear();

        // When
        (await Client("search")).ExitCode.ShouldBe(0);
        var unchanged = server.Requests.ToArray();
        server.Requests.Clear();
        await Publish();
        (await Client("search")).ExitCode.ShouldBe(0);
        var published = server.Requests.ToArray();

        // Then
        unchanged.ShouldBe(["2.root.json", "timestamp.json"]);
        published.ShouldBe(["2.root.json", "timestamp.json", "snapshot.json", "targets.json"]);
    }

    [Fact]
    public async Task Replayed_old_metadata_is_refused_as_a_rollback()
    {
        // Given: the client saw the second publication; the server goes back to the first
        await PublishedAsync();
        var first = new[] { "timestamp.json", "snapshot.json", "targets.json" }.ToDictionary(n => n, n => File.ReadAllBytes(Path.Combine(repo, n)));
        await Publish();
        (await Client("search")).ExitCode.ShouldBe(0);
        foreach (var (name, bytes) in first)
            server.Overrides[name] = bytes;

        // When / Then
        await RefusedAsync("rollback attack refused", "install", "tiny", "--allow-unsigned");
    }

    [Fact]
    public async Task An_expired_timestamp_is_refused_as_a_freeze()
    {
        // Given
        await PublishedAsync(timestampExpires: "2s");

        // When
        await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken);

        // Then
        await RefusedAsync("freeze attack", "install", "tiny", "--allow-unsigned");
    }

    [Fact]
    public async Task A_snapshot_of_another_publication_is_refused_as_mix_and_match()
    {
        // Given: the newest timestamp, served with the snapshot of the publication before
        await PublishedAsync();
        var oldSnapshot = File.ReadAllBytes(Path.Combine(repo, "snapshot.json"));
        // Signatures vary by a byte or two; a longer file would be refused as endless data before its digest is checked.
        do
            await Publish();
        while (new FileInfo(Path.Combine(repo, "snapshot.json")).Length < oldSnapshot.Length);
        server.Overrides["snapshot.json"] = oldSnapshot;

        // When / Then
        await RefusedAsync("mix-and-match refused", "install", "tiny", "--allow-unsigned");
    }

    [Fact]
    public async Task Endless_metadata_and_an_endless_package_are_refused()
    {
        // Given
        await PublishedAsync();

        // When / Then: metadata without a known length is bounded too
        server.Endless["timestamp.json"] = true;
        await RefusedAsync("endless data", "search");
        server.Endless.Clear();
        server.Endless["targets/tiny-1.0-1.vapp"] = true;
        await RefusedAsync("endless data", "install", "tiny", "--allow-unsigned");
    }

    [Fact]
    public async Task A_package_that_is_not_its_signed_target_is_refused()
    {
        // Given: the same length, one byte changed
        await PublishedAsync();
        var bytes = File.ReadAllBytes(Path.Combine(repo, "targets", "tiny-1.0-1.vapp"));
        bytes[^100] ^= 0xff;
        server.Overrides["targets/tiny-1.0-1.vapp"] = bytes;

        // When / Then
        await RefusedAsync("does not match its signed target entry", "install", "tiny", "--allow-unsigned");
        Directory.EnumerateFiles(Path.Combine(store, "remotes", "acme", "downloads")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Metadata_signed_by_a_key_the_root_does_not_name_is_refused()
    {
        // Given: an intruder's repository with the same packages; its timestamp is served instead
        await PublishedAsync();
        using var intruder = new GnuPg("Intruder <intruder@example.org>");
        var other = Path.Combine(work.Path, "other");
        (await Cli("repo", "init", other, "--key", intruder.SecretKeyPath)).ExitCode.ShouldBe(0);
        (await Cli("repo", "add", other, await Package("1.0"))).ExitCode.ShouldBe(0);
        for (var i = 0; i < 3; i++)
            (await Cli("repo", "publish", other, "--key", intruder.SecretKeyPath)).ExitCode.ShouldBe(0);
        server.Overrides["timestamp.json"] = File.ReadAllBytes(Path.Combine(other, "timestamp.json"));

        // When / Then
        await RefusedAsync("root does not name", "install", "tiny", "--allow-unsigned");
        // and publish refuses a key the root does not name
        var publish = await Cli("repo", "publish", repo, "--key", intruder.SecretKeyPath);
        publish.ExitCode.ShouldBe(3, publish.ToString());
    }

    [Fact]
    public async Task A_remote_whose_root_key_is_not_the_one_given_is_not_added()
    {
        // Given
        (await Cli("repo", "init", repo, "--key", supplier.SecretKeyPath)).ExitCode.ShouldBe(0);
        await Publish();
        using var other = new GnuPg("Someone Else <else@example.org>");

        // When
        var wrongKey = await Client("remote", "add", "acme", server.Url, "--key", other.PublicKeyPath);
        var noKey = await Client("remote", "add", "acme", server.Url);
        var fingerprint = await Client("remote", "add", "acme", new Uri(repo).ToString(), "--fingerprint", supplier.Run("--with-colons", "--fingerprint").Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9]);

        // Then
        wrongKey.ExitCode.ShouldBe(5, wrongKey.ToString());
        noKey.ExitCode.ShouldBe(2, noKey.ToString());
        noKey.Stderr.ShouldContain("Repository Root <root@example.org>");
        fingerprint.ExitCode.ShouldBe(0, fingerprint.ToString());
        (await Client("remote", "list")).Stdout.ShouldContain("acme");
    }

    [Fact]
    public async Task A_rotated_root_key_is_followed_and_the_old_key_alone_is_then_refused()
    {
        // Given
        await PublishedAsync();
        using var next = new GnuPg("Next Root <next@example.org>");
        var rotated = await Cli("repo", "rotate-key", repo, "--key", supplier.SecretKeyPath, "--new-key", next.SecretKeyPath, "--new-online-key", next.SecretKeyPath);
        rotated.ExitCode.ShouldBe(0, rotated.ToString());
        var oldTargets = await Cli("repo", "publish", repo, "--key", supplier.SecretKeyPath);

        // When
        await Publish(key: next.SecretKeyPath);
        var installed = await Client("install", "tiny", "--allow-unsigned");

        // Then
        oldTargets.ExitCode.ShouldBe(3, oldTargets.ToString());
        installed.ExitCode.ShouldBe(0, installed.ToString());
        (await Client("remote", "list")).Stdout.ShouldContain("root v2");
    }

    [Fact]
    public async Task An_install_cut_off_at_random_points_resumes_and_nothing_is_half_installed()
    {
        // Given: the first three downloads break at random points
        await PublishedAsync();
        var length = new FileInfo(Path.Combine(repo, "targets", "tiny-1.0-1.vapp")).Length;
        var cuts = 3;
        var random = new Random(15);
        server.CutAfter = () => Interlocked.Decrement(ref cuts) >= 0 ? random.NextInt64(1, length / 3) : null;
        var empty = await StoreState();

        // When
        var attempts = new List<CliResult>();
        for (var i = 0; i < 4; i++)
        {
            attempts.Add(await Client("install", "tiny", "--allow-unsigned"));
            if (attempts[^1].ExitCode == 0)
                break;
            (await StoreState()).ShouldBe(empty);
        }

        // Then
        attempts.Count.ShouldBe(4, string.Join("\n", attempts));
        attempts[0].Stderr.ShouldContain("run the same command again");
        attempts[^1].ExitCode.ShouldBe(0, attempts[^1].ToString());
        server.RangeStarts.Count.ShouldBe(3);
        server.RangeStarts.ShouldAllBe(start => start > 0);
        (await Client("verify", "tiny")).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task Update_check_lists_the_newer_version_a_remote_offers_for_each_vm()
    {
        // Given: a VM of tiny 1.0, installed from the remote
        await PublishedAsync();
        (await Client("install", "tiny", "--allow-unsigned")).ExitCode.ShouldBe(0);
        var name = $"va-e2e-repo-{Guid.NewGuid().ToString("N")[..8]}";
        var deploy = await CliRunner.InStoreAsync(store, "deploy", "tiny@1.0", "--name", name, "--no-start");
        deploy.ExitCode.ShouldBe(0, deploy.ToString());
        try
        {
            // When
            var stable = await Client("update", "--check");
            var testing = await Client("update", "--check", "--channel", "testing");

            // Then
            stable.ExitCode.ShouldBe(0, stable.ToString());
            stable.Stdout.ShouldContain($"{name}: tiny 1.0-1, the newest");
            testing.Stdout.ShouldContain($"{name}: tiny 1.0-1 → 2.0-1 on remote acme (the full package, ");
        }
        finally
        {
            await CliRunner.InStoreAsync(store, "undeploy", name, "--delete-data");
        }
    }

    /// <summary>
    /// A repository with tiny 1.0 and 2.0 (stable) and a delta 1.0 → 2.0 made with pack --delta-from, published, and the
    /// store's remote 'acme' on it; returns the delta's file name in targets/.
    /// </summary>
    private async Task<string> DeltaPublishedAsync()
    {
        var delta = Path.Combine(work.Path, "tiny-2.0-from-1.0.vapp");
        var packed = await Cli("pack", Path.Combine(await TinyAppliances.FixturesAsync(), "tiny-2.0"), "-o", delta, "--delta-from", await Package("1.0"));
        packed.ExitCode.ShouldBe(0, packed.ToString());
        (await Cli("repo", "init", repo, "--key", supplier.SecretKeyPath)).ExitCode.ShouldBe(0);
        var onlyDelta = await Cli("repo", "add", repo, await Package("1.0"), delta);
        onlyDelta.ExitCode.ShouldBe(0, onlyDelta.ToString());
        onlyDelta.Stdout.ShouldContain("staged the delta tiny@2.0-1 from tiny@1.0-1");
        var withoutFull = await Cli("repo", "publish", repo, "--key", supplier.SecretKeyPath);
        withoutFull.ExitCode.ShouldBe(3, withoutFull.ToString());
        withoutFull.Stderr.ShouldContain("has no full package of tiny@2.0-1");
        (await Cli("repo", "add", repo, await Package("2.0"))).ExitCode.ShouldBe(0);
        await Publish();
        (await Client("remote", "add", "acme", server.Url, "--key", supplier.PublicKeyPath)).ExitCode.ShouldBe(0);
        return "tiny-2.0-1.delta-from-1.0-1.vapp";
    }

    [Fact]
    public async Task A_store_holding_the_base_downloads_the_delta_and_an_empty_store_the_full_package()
    {
        // Given
        var delta = await DeltaPublishedAsync();
        var deltaLength = new FileInfo(Path.Combine(repo, "targets", delta)).Length;
        var fullLength = new FileInfo(Path.Combine(repo, "targets", "tiny-2.0-1.vapp")).Length;
        (await Client("install", "tiny@1.0", "--allow-unsigned")).ExitCode.ShouldBe(0);
        server.BytesServed.Clear();
        var empty = Path.Combine(work.Path, "empty-store");
        (await Cli("remote", "add", "acme", server.Url, "--key", supplier.PublicKeyPath, "--root", empty)).ExitCode.ShouldBe(0);

        // When
        var update = await Client("install", "tiny", "--allow-unsigned");
        var servedForUpdate = server.BytesServed.ToDictionary();
        server.BytesServed.Clear();
        var fresh = await Cli("install", "tiny", "--allow-unsigned", "--root", empty);
        var servedForFresh = server.BytesServed.ToDictionary();

        // Then the store with 1.0 fetched only the delta, the empty store only the full package
        update.ExitCode.ShouldBe(0, update.ToString());
        update.Stdout.ShouldContain("downloaded the delta from tiny@1.0-1");
        update.Stdout.ShouldContain("installed tiny@2.0-1 from remote acme");
        deltaLength.ShouldBeLessThan(fullLength / 2);
        servedForUpdate.GetValueOrDefault($"targets/{delta}").ShouldBe(deltaLength);
        servedForUpdate.ShouldNotContainKey("targets/tiny-2.0-1.vapp");
        fresh.ExitCode.ShouldBe(0, fresh.ToString());
        fresh.Stdout.ShouldContain("downloaded the full package");
        servedForFresh.GetValueOrDefault("targets/tiny-2.0-1.vapp").ShouldBe(fullLength);
        servedForFresh.ShouldNotContainKey($"targets/{delta}");
        // and the delta made exactly version 2.0: the store checks it, and the full package has the same content digests
        var verified = await Client("verify", "tiny@2.0");
        verified.ExitCode.ShouldBe(0, verified.ToString());
        var fullAgain = await Client("install", await Package("2.0"), "--allow-unsigned");
        fullAgain.ExitCode.ShouldBe(0, fullAgain.ToString());
        fullAgain.Stdout.ShouldContain("already installed");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(empty, "appliances", "tiny", "2.0-1")).Where(f => !Path.GetFileName(f).StartsWith('.')))
            Tools.Run("cmp", file, Path.Combine(store, "appliances", "tiny", "2.0-1", Path.GetFileName(file)));
        Directory.EnumerateFiles(Path.Combine(store, "remotes", "acme", "downloads")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_delta_whose_installed_base_differs_falls_back_to_the_full_package()
    {
        // Given: 1.0 installed from the repository, then damaged on disk (the index still names the same package)
        var delta = await DeltaPublishedAsync();
        (await Client("install", "tiny@1.0", "--allow-unsigned")).ExitCode.ShouldBe(0);
        var system = Path.Combine(store, "appliances", "tiny", "1.0-1", "system.img");
        File.SetUnixFileMode(system, File.GetUnixFileMode(system) | UnixFileMode.UserWrite);
        using (var stream = File.OpenWrite(system))
        {
            stream.Position = 4096;
            stream.Write("damaged"u8);
        }
        server.BytesServed.Clear();

        // When
        var update = await Client("install", "tiny", "--allow-unsigned");

        // Then
        update.ExitCode.ShouldBe(0, update.ToString());
        update.Stdout.ShouldContain("the delta did not apply");
        update.Stdout.ShouldContain("downloaded the full package instead");
        server.BytesServed.ShouldContainKey($"targets/{delta}");
        server.BytesServed.GetValueOrDefault("targets/tiny-2.0-1.vapp").ShouldBe(new FileInfo(Path.Combine(repo, "targets", "tiny-2.0-1.vapp")).Length);
        (await Client("verify", "tiny@2.0")).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task A_tampered_delta_entry_or_delta_file_is_refused_without_falling_back()
    {
        // Given: a store with 1.0; a new publication whose delta entry's base digest is rewritten in targets.json (not re-signed)
        var delta = await DeltaPublishedAsync();
        (await Client("install", "tiny@1.0", "--allow-unsigned")).ExitCode.ShouldBe(0);
        await Publish();
        var targets = File.ReadAllText(Path.Combine(repo, "targets.json"));
        var digest = System.Text.RegularExpressions.Regex.Match(targets, "\"packageDigest\":\"([0-9a-f]{64})\"").Groups[1].Value;
        server.Overrides["targets.json"] = System.Text.Encoding.UTF8.GetBytes(targets.Replace(digest, new string('0', 64), StringComparison.Ordinal));

        // When / Then
        await RefusedAsync("refused", "install", "tiny", "--allow-unsigned");

        // Given: the metadata intact, the delta's bytes changed (same length)
        server.Overrides.Clear();
        var bytes = File.ReadAllBytes(Path.Combine(repo, "targets", delta));
        bytes[^100] ^= 0xff;
        server.Overrides[$"targets/{delta}"] = bytes;
        server.BytesServed.Clear();

        // When / Then: refused, and the full package is not fetched in its place
        await RefusedAsync("does not match its signed target entry", "install", "tiny", "--allow-unsigned");
        server.BytesServed.ShouldNotContainKey("targets/tiny-2.0-1.vapp");
    }

    [Fact]
    public async Task A_version_installed_from_a_delta_takes_the_next_delta_too()
    {
        // Given: 2.0 installed from the 1.0 → 2.0 delta, then 3.0 published with a delta from the full 2.0 package
        await DeltaPublishedAsync();
        (await Client("install", "tiny@1.0", "--allow-unsigned")).ExitCode.ShouldBe(0);
        (await Client("install", "tiny@2.0", "--allow-unsigned")).Stdout.ShouldContain("downloaded the delta from tiny@1.0-1");
        var delta = Path.Combine(work.Path, "tiny-3.0-from-2.0.vapp");
        (await Cli("pack", Path.Combine(await TinyAppliances.FixturesAsync(), "tiny-3.0-broken"), "-o", delta, "--delta-from", await Package("2.0"))).ExitCode.ShouldBe(0);
        (await Cli("repo", "add", repo, await Package("3.0-broken"), delta)).ExitCode.ShouldBe(0);
        await Publish();
        server.BytesServed.Clear();

        // When
        var update = await Client("install", "tiny", "--allow-unsigned");

        // Then
        update.ExitCode.ShouldBe(0, update.ToString());
        update.Stdout.ShouldContain("downloaded the delta from tiny@2.0-1");
        server.BytesServed.ShouldContainKey("targets/tiny-3.0-1.delta-from-2.0-1.vapp");
        server.BytesServed.ShouldNotContainKey("targets/tiny-3.0-1.vapp");
        (await Client("verify", "tiny@3.0")).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task Update_check_names_the_delta_that_install_would_download()
    {
        // Given: a VM of tiny 1.0 and a repository with a delta 1.0 → 2.0
        await DeltaPublishedAsync();
        (await Client("install", "tiny@1.0", "--allow-unsigned")).ExitCode.ShouldBe(0);
        var name = $"va-e2e-repo-{Guid.NewGuid().ToString("N")[..8]}";
        var deploy = await CliRunner.InStoreAsync(store, "deploy", "tiny@1.0", "--name", name, "--no-start");
        deploy.ExitCode.ShouldBe(0, deploy.ToString());
        try
        {
            // When
            var check = await Client("update", "--check");

            // Then
            check.ExitCode.ShouldBe(0, check.ToString());
            check.Stdout.ShouldContain($"{name}: tiny 1.0-1 → 2.0-1 on remote acme (a ");
            check.Stdout.ShouldContain("delta from tiny@1.0-1; virt-appliance install tiny@2.0-1");
        }
        finally
        {
            await CliRunner.InStoreAsync(store, "undeploy", name, "--delete-data");
        }
    }

    public void Dispose()
    {
        server.Dispose();
        supplier.Dispose();
        work.Dispose();
    }
}
