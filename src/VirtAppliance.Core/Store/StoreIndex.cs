using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;
using VirtAppliance.Core.Configuration;
using VirtAppliance.Core.Descriptors;
using VirtAppliance.Core.DomainXml;
using VirtAppliance.Core.Errors;

namespace VirtAppliance.Core.Store;

/// <summary>
/// The store's one SQLite index (ROOT/index.db, WAL, synchronous=FULL), shared by every command
/// running at once: the installed appliances, and the instances deployed from them (each row a
/// lease that keeps its appliance versions from being removed). A row exists only for a complete
/// folder: rows are written after the folder is in place and deleted before it goes.
/// The schema carries its version in <c>PRAGMA user_version</c> and only moves forward.
/// </summary>
internal sealed class StoreIndex : IDisposable
{
    /// <summary>
    /// Each migration takes the schema from its position to the next; append, never edit. Version 1
    /// is what releases before the index had one owner wrote (their instances table came without a
    /// version, hence IF NOT EXISTS in version 2).
    /// </summary>
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE IF NOT EXISTS appliances (
            name TEXT NOT NULL,
            version TEXT NOT NULL,
            release TEXT NOT NULL,
            package_sha256 TEXT NOT NULL,
            signer_fingerprint TEXT,
            signer_user_id TEXT,
            size_on_disk INTEGER NOT NULL,
            installed_at TEXT NOT NULL,
            path TEXT NOT NULL,
            PRIMARY KEY (name, version, release));
        """,
        """
        CREATE TABLE IF NOT EXISTS instances (
            name TEXT PRIMARY KEY,
            uuid TEXT NOT NULL,
            appliance TEXT NOT NULL,
            version TEXT NOT NULL,
            release TEXT NOT NULL,
            package_sha256 TEXT NOT NULL,
            uri TEXT NOT NULL,
            folder TEXT NOT NULL,
            network TEXT NOT NULL,
            virt_type TEXT NOT NULL,
            disks TEXT NOT NULL,
            created_at TEXT NOT NULL,
            previous TEXT);
        """,
        // remove asks which instances hold a version; the previous version lives in the JSON column.
        """
        ALTER TABLE instances ADD COLUMN previous_version TEXT;
        ALTER TABLE instances ADD COLUMN previous_release TEXT;
        UPDATE instances SET previous_version = json_extract(previous, '$.version'), previous_release = json_extract(previous, '$.release')
            WHERE previous IS NOT NULL;
        CREATE INDEX instances_by_appliance ON instances (appliance, version, release);
        CREATE INDEX instances_by_previous ON instances (appliance, previous_version, previous_release);
        """,
        // Networks are spelled as deploy --network takes them; earlier releases recorded a bare libvirt network name.
        """
        ALTER TABLE instances ADD COLUMN forwards TEXT NOT NULL DEFAULT '[]';
        UPDATE instances SET network = 'network=' || network WHERE network NOT LIKE '%=%' AND network <> 'user';
        """,
        // Site values: those that are not passwords, as set (passwords live only on the config disk).
        """
        ALTER TABLE instances ADD COLUMN site_values TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE instances ADD COLUMN config_generation INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE instances ADD COLUMN pending_values TEXT;
        """,
        // The site's Puppet modules (name, kind, classes, digest; the files in the VM's folder), applied and pending.
        """
        ALTER TABLE instances ADD COLUMN site_puppet TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE instances ADD COLUMN pending_site_puppet TEXT;
        """,
        // Disk thresholds the site set (disk id → levels), and the disk alerts that fired and have not cleared.
        """
        ALTER TABLE instances ADD COLUMN thresholds TEXT NOT NULL DEFAULT '{}';
        CREATE TABLE alerts (
            vm TEXT NOT NULL,
            disk TEXT NOT NULL,
            level TEXT NOT NULL,
            used_percent REAL NOT NULL,
            since TEXT NOT NULL,
            PRIMARY KEY (vm, disk));
        """,
    ];

    /// <summary>The schema version this release reads and writes.</summary>
    public static int SchemaVersion => Migrations.Length;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Roles and formats are written by name; older stores wrote roles as numbers, which still read.
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private readonly SqliteConnection connection;

    private StoreIndex(SqliteConnection connection) => this.connection = connection;

    /// <exception cref="ConflictException">The index was written by a newer release (a schema this one does not know).</exception>
    public static async Task<StoreIndex> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, null, "PRAGMA busy_timeout = 30000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", cancellationToken).ConfigureAwait(false);
            await MigrateAsync(connection, path, cancellationToken).ConfigureAwait(false);
            return new StoreIndex(connection);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The schema version of an open index (after migration, <see cref="SchemaVersion"/>).</summary>
    public async Task<int> ReadSchemaVersionAsync(CancellationToken cancellationToken) =>
        await ReadUserVersionAsync(connection, null, cancellationToken).ConfigureAwait(false);

    private static async Task MigrateAsync(SqliteConnection connection, string path, CancellationToken cancellationToken)
    {
        // Most opens find the schema current: look before taking the write lock.
        if (await ReadUserVersionAsync(connection, null, cancellationToken).ConfigureAwait(false) == SchemaVersion)
            return;
        // BEGIN IMMEDIATE: two commands opening an old index at once migrate it once, one after the other.
        using var transaction = connection.BeginTransaction(deferred: false);
        var version = await ReadUserVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        if (version > SchemaVersion)
            throw new ConflictException($"{path} was written by a newer virt-appliance (index schema {version}; this one knows up to {SchemaVersion})")
            {
                Hint = "use that release or a newer one with this store; nothing was changed",
            };
        for (var next = version; next < SchemaVersion; next++)
            await ExecuteAsync(connection, transaction, Migrations[next], cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, $"PRAGMA user_version = {SchemaVersion}", cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> ReadUserVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    public async Task<List<InstalledAppliance>> ListAppliancesAsync(string? name, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, version, release, package_sha256, signer_fingerprint, signer_user_id, size_on_disk, installed_at, path FROM appliances"
            + (name is null ? "" : " WHERE name = $name");
        if (name is not null)
            command.Parameters.AddWithValue("$name", name);
        var result = new List<InstalledAppliance>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new InstalledAppliance(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetInt64(6), DateTimeOffset.Parse(reader.GetString(7), CultureInfo.InvariantCulture), reader.GetString(8)));
        }

        // Oldest first, by rpm's rules: SQL's text order puts 10.0 before 9.0.
        result.Sort((left, right) => string.CompareOrdinal(left.Name, right.Name) is var byName and not 0
            ? byName
            : VersionOrder.Compare(left.Version, left.Release, right.Version, right.Release));
        return result;
    }

    public async Task<InstalledAppliance?> FindApplianceAsync(ApplianceIdentity id, CancellationToken cancellationToken) =>
        (await ListAppliancesAsync(id.Name, cancellationToken).ConfigureAwait(false)).SingleOrDefault(a => a.Version == id.Version && a.Release == id.Release);

    public async Task InsertApplianceAsync(InstalledAppliance appliance, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO appliances (name, version, release, package_sha256, signer_fingerprint, signer_user_id, size_on_disk, installed_at, path)
            VALUES ($name, $version, $release, $sha, $fpr, $uid, $size, $at, $path)
            """;
        command.Parameters.AddWithValue("$name", appliance.Name);
        command.Parameters.AddWithValue("$version", appliance.Version);
        command.Parameters.AddWithValue("$release", appliance.Release);
        command.Parameters.AddWithValue("$sha", appliance.PackageSha256);
        command.Parameters.AddWithValue("$fpr", (object?)appliance.SignerFingerprint ?? DBNull.Value);
        command.Parameters.AddWithValue("$uid", (object?)appliance.SignerUserId ?? DBNull.Value);
        command.Parameters.AddWithValue("$size", appliance.SizeOnDisk);
        command.Parameters.AddWithValue("$at", appliance.InstalledAt.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$path", appliance.Path);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteApplianceAsync(InstalledAppliance appliance, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM appliances WHERE name = $name AND version = $version AND release = $release";
        AddIdentity(command, appliance);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<InstanceRecord>> ListInstancesAsync(CancellationToken cancellationToken) =>
        await QueryInstancesAsync("", null, cancellationToken).ConfigureAwait(false);

    public async Task<InstanceRecord?> FindInstanceAsync(string name, CancellationToken cancellationToken) =>
        (await QueryInstancesAsync(" WHERE name = $name", command => command.Parameters.AddWithValue("$name", name), cancellationToken).ConfigureAwait(false))
            .SingleOrDefault();

    /// <summary>The instances that run <paramref name="appliance"/> or keep it as what a rollback returns to.</summary>
    public async Task<IReadOnlyList<(string Name, bool AsRollbackTarget)>> InstancesHoldingAsync(InstalledAppliance appliance, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT name, 0 FROM instances WHERE appliance = $name AND version = $version AND release = $release
            UNION
            SELECT name, 1 FROM instances WHERE appliance = $name AND previous_version = $version AND previous_release = $release
            ORDER BY 1
            """;
        AddIdentity(command, appliance);
        var result = new List<(string, bool)>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            result.Add((reader.GetString(0), reader.GetInt32(1) == 1));
        return result;
    }

    /// <summary>Inserts or replaces the row of <paramref name="record"/>.</summary>
    public async Task SaveInstanceAsync(InstanceRecord record, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT OR REPLACE INTO instances (name, uuid, appliance, version, release, package_sha256, uri, folder, network, virt_type, disks, created_at,
                previous, previous_version, previous_release, forwards, site_values, config_generation, pending_values, site_puppet, pending_site_puppet, thresholds)
            VALUES ($name, $uuid, $appliance, $version, $release, $sha, $uri, $folder, $network, $virt, $disks, $created, $previous, $previousVersion, $previousRelease,
                $forwards, $siteValues, $configGeneration, $pendingValues, $sitePuppet, $pendingSitePuppet, $thresholds)
            """;
        command.Parameters.AddWithValue("$name", record.Name);
        command.Parameters.AddWithValue("$uuid", record.Uuid.ToString());
        command.Parameters.AddWithValue("$appliance", record.Appliance);
        command.Parameters.AddWithValue("$version", record.Version);
        command.Parameters.AddWithValue("$release", record.Release);
        command.Parameters.AddWithValue("$sha", record.PackageSha256);
        command.Parameters.AddWithValue("$uri", record.Uri);
        command.Parameters.AddWithValue("$folder", record.Folder);
        command.Parameters.AddWithValue("$network", record.Network);
        command.Parameters.AddWithValue("$virt", record.VirtType);
        command.Parameters.AddWithValue("$disks", JsonSerializer.Serialize(record.Disks, Json));
        command.Parameters.AddWithValue("$created", record.CreatedAt.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$previous", record.Previous is null ? DBNull.Value : JsonSerializer.Serialize(record.Previous, Json));
        command.Parameters.AddWithValue("$previousVersion", (object?)record.Previous?.Version ?? DBNull.Value);
        command.Parameters.AddWithValue("$previousRelease", (object?)record.Previous?.Release ?? DBNull.Value);
        command.Parameters.AddWithValue("$forwards", JsonSerializer.Serialize(record.Forwards, Json));
        command.Parameters.AddWithValue("$siteValues", JsonSerializer.Serialize(record.SiteValues, Json));
        command.Parameters.AddWithValue("$configGeneration", record.ConfigGeneration);
        command.Parameters.AddWithValue("$pendingValues", record.PendingValues is null ? DBNull.Value : JsonSerializer.Serialize(record.PendingValues, Json));
        command.Parameters.AddWithValue("$sitePuppet", JsonSerializer.Serialize(record.SitePuppet, Json));
        command.Parameters.AddWithValue("$pendingSitePuppet", record.PendingSitePuppet is null ? DBNull.Value : JsonSerializer.Serialize(record.PendingSitePuppet, Json));
        command.Parameters.AddWithValue("$thresholds", JsonSerializer.Serialize(record.Thresholds, Json));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteInstanceAsync(string name, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        // A VM's alerts go with it (a new VM of that name starts with none).
        command.CommandText = "DELETE FROM instances WHERE name = $name; DELETE FROM alerts WHERE vm = $name";
        command.Parameters.AddWithValue("$name", name);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<InstanceRecord>> QueryInstancesAsync(string where, Action<SqliteCommand>? bind, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, uuid, appliance, version, release, package_sha256, uri, folder, network, virt_type, disks, created_at, previous, forwards, site_values, config_generation, pending_values, site_puppet, pending_site_puppet, thresholds FROM instances"
            + where + " ORDER BY name";
        bind?.Invoke(command);
        var result = new List<InstanceRecord>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new InstanceRecord(
                reader.GetString(0), Guid.Parse(reader.GetString(1)), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetString(9),
                JsonSerializer.Deserialize<List<InstanceDisk>>(reader.GetString(10), Json) ?? [],
                DateTimeOffset.Parse(reader.GetString(11), CultureInfo.InvariantCulture),
                reader.IsDBNull(12) ? null : JsonSerializer.Deserialize<InstancePrevious>(reader.GetString(12), Json))
            {
                Forwards = JsonSerializer.Deserialize<List<PortForward>>(reader.GetString(13), Json) ?? [],
                SiteValues = JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(14), Json) ?? [],
                ConfigGeneration = reader.GetInt32(15),
                PendingValues = reader.IsDBNull(16) ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(16), Json),
                SitePuppet = JsonSerializer.Deserialize<List<SiteModule>>(reader.GetString(17), Json) ?? [],
                PendingSitePuppet = reader.IsDBNull(18) ? null : JsonSerializer.Deserialize<List<SiteModule>>(reader.GetString(18), Json),
                Thresholds = JsonSerializer.Deserialize<Dictionary<string, DiskThreshold>>(reader.GetString(19), Json) ?? [],
            });
        }
        return result;
    }

    /// <summary>Every disk alert that fired and has not cleared, by VM and disk.</summary>
    public async Task<IReadOnlyList<StoredAlert>> ListAlertsAsync(CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT vm, disk, level, used_percent, since FROM alerts ORDER BY vm, disk";
        var result = new List<StoredAlert>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            result.Add(new StoredAlert(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetDouble(3),
                DateTimeOffset.Parse(reader.GetString(4), CultureInfo.InvariantCulture)));
        return result;
    }

    /// <summary>Records the alerts that fired or changed level, and deletes those that cleared (a null alert for that VM and disk), in one transaction.</summary>
    public async Task SaveAlertsAsync(IReadOnlyList<(string Vm, string Disk, StoredAlert? Alert)> changes, CancellationToken cancellationToken)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var (vm, disk, alert) in changes)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = alert is null
                ? "DELETE FROM alerts WHERE vm = $vm AND disk = $disk"
                : "INSERT OR REPLACE INTO alerts (vm, disk, level, used_percent, since) VALUES ($vm, $disk, $level, $used, $since)";
            command.Parameters.AddWithValue("$vm", vm);
            command.Parameters.AddWithValue("$disk", disk);
            if (alert is not null)
            {
                command.Parameters.AddWithValue("$level", alert.Level);
                command.Parameters.AddWithValue("$used", alert.UsedPercent);
                command.Parameters.AddWithValue("$since", alert.Since.ToString("O", CultureInfo.InvariantCulture));
            }
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AddIdentity(SqliteCommand command, InstalledAppliance appliance)
    {
        command.Parameters.AddWithValue("$name", appliance.Name);
        command.Parameters.AddWithValue("$version", appliance.Version);
        command.Parameters.AddWithValue("$release", appliance.Release);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => connection.Dispose();
}
