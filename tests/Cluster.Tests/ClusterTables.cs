using Npgsql;

namespace LibraryCluster.Cluster.Tests;

/// <summary>
/// Reads the cluster database the nodes share, read-only, each time on a fresh connection (no pool: the test
/// restarts the server and must not trip over connections that died with it).
/// </summary>
public sealed class ClusterTables(string connectionString)
{
    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3, CommandTimeout = 10 }.ConnectionString;

    public async Task<ClusterState> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var nodes = await QueryAsync(connection, "SELECT id, zone, state, reason, state_since, heartbeat FROM nodes ORDER BY id",
            r => new NodeRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetInt64(5)), cancellationToken);
        var volumes = await QueryAsync(connection, "SELECT id, node, name, state, reason FROM volumes ORDER BY id",
            r => new VolumeRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4)), cancellationToken);
        var torrents = await QueryAsync(connection, "SELECT name FROM torrents ORDER BY name", r => r.GetString(0), cancellationToken);
        var replicas = await QueryAsync(connection, "SELECT node, torrent, volume, state, reason, since FROM replicas ORDER BY torrent, node",
            r => new ReplicaRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5)), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ClusterState(nodes, volumes, torrents, replicas, DateTimeOffset.UtcNow);
    }

    /// <summary>Journal entries written at or after <paramref name="fromUnixMs"/>, oldest first.</summary>
    public async Task<IReadOnlyList<JournalRow>> JournalSinceAsync(long fromUnixMs, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return await QueryAsync(connection, "SELECT seq, at, node, torrent, volume, from_state, to_state, reason, bytes FROM journal WHERE at >= @from ORDER BY seq",
            r => new JournalRow(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6), r.GetString(7), r.GetInt64(8)),
            cancellationToken,
            ("from", fromUnixMs));
    }

    /// <summary>When the newest journal entry was written (Unix ms), or null for an empty journal.</summary>
    public async Task<long?> LastJournalAtAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        var rows = await QueryAsync(connection, "SELECT max(at) FROM journal", r => r.IsDBNull(0) ? (long?)null : r.GetInt64(0), cancellationToken);
        return rows[0];
    }

    private static async Task<List<T>> QueryAsync<T>(NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
