using System.Globalization;
using Microsoft.Data.Sqlite;

namespace VirtAppliance.Core.Store;

/// <summary>
/// The SQLite index of installed appliances (ROOT/index.db, WAL, synchronous=FULL), shared by
/// the CLI and the web server. A row exists only for a complete folder: rows are written after
/// the folder is in place and deleted before it goes.
/// </summary>
internal sealed class StoreIndex : IDisposable
{
    private const int SchemaVersion = 1;
    private readonly SqliteConnection connection;

    private StoreIndex(SqliteConnection connection) => this.connection = connection;

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
            await ExecuteAsync(connection, "PRAGMA busy_timeout = 30000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, $"""
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
                PRAGMA user_version = {SchemaVersion};
                """, cancellationToken).ConfigureAwait(false);
            return new StoreIndex(connection);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<List<InstalledAppliance>> ListAsync(string? name, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, version, release, package_sha256, signer_fingerprint, signer_user_id, size_on_disk, installed_at, path FROM appliances"
            + (name is null ? "" : " WHERE name = $name") + " ORDER BY name, version, release";
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

        return result;
    }

    public async Task<InstalledAppliance?> FindAsync(ApplianceIdentity id, CancellationToken cancellationToken) =>
        (await ListAsync(id.Name, cancellationToken).ConfigureAwait(false)).SingleOrDefault(a => a.Version == id.Version && a.Release == id.Release);

    public async Task InsertAsync(InstalledAppliance appliance, CancellationToken cancellationToken)
    {
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
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
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(InstalledAppliance appliance, CancellationToken cancellationToken)
    {
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "DELETE FROM appliances WHERE name = $name AND version = $version AND release = $release";
        command.Parameters.AddWithValue("$name", appliance.Name);
        command.Parameters.AddWithValue("$version", appliance.Version);
        command.Parameters.AddWithValue("$release", appliance.Release);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => connection.Dispose();
}
