using System.Data.Common;
using LibraryCluster.Actors.Node;
using LibraryCluster.Actors.Replicas;
using static LibraryCluster.Actors.Cluster.Store.ClusterDatabase;

namespace LibraryCluster.Actors.Cluster.Store;

/// <summary>
/// One node's replicas and journal in the node/cluster database: a SQLite file on a single node, the shared
/// PostgreSQL database in a cluster (every row carries the node's id, so nodes never write each other's rows).
/// </summary>
public sealed class SqlNodeStore : INodeStore
{
    internal const string ReplicaColumns = "torrent, volume, state, reason, since, bytes_verified, last_verified, bad_files";
    internal const string JournalColumns = "seq, at, node, torrent, volume, from_state, to_state, reason, bytes";

    private readonly ClusterDatabase _database;

    /// <summary>Opens the store for <paramref name="node"/>, creating or upgrading the schema.</summary>
    public SqlNodeStore(ClusterDatabase database, string node)
    {
        _database = database;
        Node = node;
        database.Migrate();
    }

    public string Node { get; }

    public IReadOnlyList<ReplicaStatus> LoadReplicas() => _database.With(c =>
        Query(c, null, $"SELECT {ReplicaColumns} FROM replicas WHERE node = @n ORDER BY torrent", ReadReplica, ("n", Node)));

    public void RecordTransition(ReplicaStatus status, ReplicaState from, long bytes) => _database.InTransaction((c, t) =>
    {
        Execute(c, t, $"""
            INSERT INTO replicas(node, {ReplicaColumns}) VALUES (@n, @t, @v, @s, @r, @since, @b, @lv, @bad)
            ON CONFLICT (node, torrent) DO UPDATE SET volume = excluded.volume, state = excluded.state, reason = excluded.reason,
                since = excluded.since, bytes_verified = excluded.bytes_verified, last_verified = excluded.last_verified, bad_files = excluded.bad_files
            """,
            ("n", Node), ("t", status.Torrent), ("v", status.Volume), ("s", status.State.ToString()), ("r", status.Reason),
            ("since", status.Since.ToUnixTimeMilliseconds()), ("b", status.BytesVerified), ("lv", status.LastVerified?.ToUnixTimeMilliseconds()),
            ("bad", string.Join(',', status.BadFiles.Order())));
        Append(c, t, status.Torrent, status.Volume, from.ToString(), status.State.ToString(), status.Reason, bytes, status.Since);
        return 0;
    });

    public void Forget(string torrent, string volume, ReplicaState from, string reason, DateTimeOffset at) => _database.InTransaction((c, t) =>
    {
        Execute(c, t, "DELETE FROM replicas WHERE node = @n AND torrent = @t", ("n", Node), ("t", torrent));
        Append(c, t, torrent, volume, from.ToString(), "Gone", reason, 0, at);
        return 0;
    });

    public void Journal(string? torrent, string volume, string from, string to, string reason, long bytes, DateTimeOffset at) =>
        _database.With(c => Append(c, null, torrent, volume, from, to, reason, bytes, at));

    public IReadOnlyList<JournalEntry> RecentJournal(int limit, string? torrent = null) => _database.With(c => torrent is null
        ? Query(c, null, $"SELECT {JournalColumns} FROM journal WHERE node = @n ORDER BY seq DESC LIMIT @l", ReadJournal, ("n", Node), ("l", Math.Clamp(limit, 0, 10_000)))
        : Query(c, null, $"SELECT {JournalColumns} FROM journal WHERE node = @n AND torrent = @t ORDER BY seq DESC LIMIT @l", ReadJournal, ("n", Node), ("t", torrent), ("l", Math.Clamp(limit, 0, 10_000))));

    public void Ping() => _database.With(c => Scalar<long>(c, null, "SELECT count(*) FROM schema_version"));

    internal static ReplicaStatus ReadReplica(DbDataReader r) => new()
    {
        Torrent = r.GetString(0),
        Volume = r.GetString(1),
        State = Enum.TryParse<ReplicaState>(r.GetString(2), out var state) ? state : ReplicaState.Absent,
        Reason = r.GetString(3),
        Since = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)),
        BytesVerified = r.GetInt64(5),
        LastVerified = r.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
        BadFiles = r.GetString(7).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToHashSet(),
    };

    internal static JournalEntry ReadJournal(DbDataReader r) => new(
        r.GetInt64(0),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
        r.GetString(2),
        r.IsDBNull(3) ? null : r.GetString(3),
        r.GetString(4),
        r.GetString(5),
        r.GetString(6),
        r.GetString(7),
        r.GetInt64(8));

    private int Append(DbConnection c, DbTransaction? t, string? torrent, string volume, string from, string to, string reason, long bytes, DateTimeOffset at) =>
        Execute(c, t, "INSERT INTO journal(at, node, torrent, volume, from_state, to_state, reason, bytes) VALUES (@at, @n, @t, @v, @f, @to, @r, @b)",
            ("at", at.ToUnixTimeMilliseconds()), ("n", Node), ("t", torrent), ("v", volume), ("f", from), ("to", to), ("r", reason), ("b", bytes));
}
