using LibraryCluster.Actors.Replicas;
using Microsoft.Data.Sqlite;

namespace LibraryCluster.Actors.Node;

/// <summary>The node store in a SQLite file (WAL), shared by the replica actors behind one lock.</summary>
public sealed class SqliteNodeStore : INodeStore, IDisposable
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        CREATE TABLE IF NOT EXISTS replicas(
            torrent TEXT PRIMARY KEY,
            volume TEXT NOT NULL,
            state TEXT NOT NULL,
            reason TEXT NOT NULL,
            since INTEGER NOT NULL,
            bytes_verified INTEGER NOT NULL,
            last_verified INTEGER,
            bad_files TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS journal(
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at INTEGER NOT NULL,
            torrent TEXT,
            volume TEXT NOT NULL,
            from_state TEXT NOT NULL,
            to_state TEXT NOT NULL,
            reason TEXT NOT NULL,
            bytes INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS journal_torrent ON journal(torrent, seq);
        """;

    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    public SqliteNodeStore(string path)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute(Schema);
    }

    public IReadOnlyList<ReplicaStatus> LoadReplicas()
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT torrent, volume, state, reason, since, bytes_verified, last_verified, bad_files FROM replicas ORDER BY torrent";
            using var reader = command.ExecuteReader();
            var replicas = new List<ReplicaStatus>();
            while (reader.Read())
            {
                replicas.Add(new ReplicaStatus
                {
                    Torrent = reader.GetString(0),
                    Volume = reader.GetString(1),
                    State = Enum.TryParse<ReplicaState>(reader.GetString(2), out var state) ? state : ReplicaState.Absent,
                    Reason = reader.GetString(3),
                    Since = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                    BytesVerified = reader.GetInt64(5),
                    LastVerified = reader.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                    BadFiles = reader.GetString(7).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToHashSet(),
                });
            }

            return replicas;
        }
    }

    public void RecordTransition(ReplicaStatus status, ReplicaState from, long bytes)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            using (var upsert = _connection.CreateCommand())
            {
                upsert.Transaction = transaction;
                upsert.CommandText = """
                    INSERT INTO replicas(torrent, volume, state, reason, since, bytes_verified, last_verified, bad_files)
                    VALUES ($t, $v, $s, $r, $since, $b, $lv, $bad)
                    ON CONFLICT(torrent) DO UPDATE SET volume = excluded.volume, state = excluded.state, reason = excluded.reason,
                        since = excluded.since, bytes_verified = excluded.bytes_verified, last_verified = excluded.last_verified,
                        bad_files = excluded.bad_files
                    """;
                upsert.Parameters.AddWithValue("$t", status.Torrent);
                upsert.Parameters.AddWithValue("$v", status.Volume);
                upsert.Parameters.AddWithValue("$s", status.State.ToString());
                upsert.Parameters.AddWithValue("$r", status.Reason);
                upsert.Parameters.AddWithValue("$since", status.Since.ToUnixTimeMilliseconds());
                upsert.Parameters.AddWithValue("$b", status.BytesVerified);
                upsert.Parameters.AddWithValue("$lv", (object?)status.LastVerified?.ToUnixTimeMilliseconds() ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$bad", string.Join(',', status.BadFiles.Order()));
                upsert.ExecuteNonQuery();
            }

            Append(transaction, status.Torrent, status.Volume, from.ToString(), status.State.ToString(), status.Reason, bytes, status.Since);
            transaction.Commit();
        }
    }

    public void Journal(string? torrent, string volume, string from, string to, string reason, long bytes, DateTimeOffset at)
    {
        lock (_gate)
        {
            Append(null, torrent, volume, from, to, reason, bytes, at);
        }
    }

    public IReadOnlyList<JournalEntry> RecentJournal(int limit, string? torrent = null)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = torrent is null
                ? "SELECT seq, at, torrent, volume, from_state, to_state, reason, bytes FROM journal ORDER BY seq DESC LIMIT $n"
                : "SELECT seq, at, torrent, volume, from_state, to_state, reason, bytes FROM journal WHERE torrent = $t ORDER BY seq DESC LIMIT $n";
            command.Parameters.AddWithValue("$n", Math.Clamp(limit, 0, 10_000));
            if (torrent is not null)
            {
                command.Parameters.AddWithValue("$t", torrent);
            }

            using var reader = command.ExecuteReader();
            var entries = new List<JournalEntry>();
            while (reader.Read())
            {
                entries.Add(new JournalEntry(
                    reader.GetInt64(0),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.GetString(3),
                    reader.GetString(4),
                    reader.GetString(5),
                    reader.GetString(6),
                    reader.GetInt64(7)));
            }

            return entries;
        }
    }

    public void Ping()
    {
        lock (_gate)
        {
            Execute("SELECT count(*) FROM replicas");
        }
    }

    public void Dispose() => _connection.Dispose();

    private void Append(SqliteTransaction? transaction, string? torrent, string volume, string from, string to, string reason, long bytes, DateTimeOffset at)
    {
        using var insert = _connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO journal(at, torrent, volume, from_state, to_state, reason, bytes) VALUES ($at, $t, $v, $f, $to, $r, $b)";
        insert.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$t", (object?)torrent ?? DBNull.Value);
        insert.Parameters.AddWithValue("$v", volume);
        insert.Parameters.AddWithValue("$f", from);
        insert.Parameters.AddWithValue("$to", to);
        insert.Parameters.AddWithValue("$r", reason);
        insert.Parameters.AddWithValue("$b", bytes);
        insert.ExecuteNonQuery();
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
