using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace VirtAppliance.Core.Deployment;

/// <summary>
/// The instances table of the store index (ROOT/index.db, shared with the installed appliances):
/// which VM runs which appliance version, with its disks and what to roll back to.
/// </summary>
internal sealed class InstanceIndex : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SqliteConnection connection;

    private InstanceIndex(SqliteConnection connection) => this.connection = connection;

    public static async Task<InstanceIndex> OpenAsync(string root, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(root);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(root, "index.db"),
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA busy_timeout = 30000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
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
                """;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new InstanceIndex(connection);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<IReadOnlyList<InstanceRecord>> ListAsync(CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, uuid, appliance, version, release, package_sha256, uri, folder, network, virt_type, disks, created_at, previous FROM instances ORDER BY name";
        var result = new List<InstanceRecord>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new InstanceRecord(
                reader.GetString(0), Guid.Parse(reader.GetString(1)), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetString(9),
                JsonSerializer.Deserialize<List<InstanceDisk>>(reader.GetString(10), Json) ?? [],
                DateTimeOffset.Parse(reader.GetString(11), CultureInfo.InvariantCulture),
                reader.IsDBNull(12) ? null : JsonSerializer.Deserialize<InstancePrevious>(reader.GetString(12), Json)));
        }
        return result;
    }

    public async Task<InstanceRecord?> FindAsync(string name, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(record => record.Name == name);

    /// <summary>Inserts or replaces the row of <paramref name="record"/>.</summary>
    public async Task SaveAsync(InstanceRecord record, CancellationToken cancellationToken)
    {
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT OR REPLACE INTO instances (name, uuid, appliance, version, release, package_sha256, uri, folder, network, virt_type, disks, created_at, previous)
            VALUES ($name, $uuid, $appliance, $version, $release, $sha, $uri, $folder, $network, $virt, $disks, $created, $previous)
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
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM instances WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => connection.Dispose();
}
