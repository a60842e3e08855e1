using System.Data.Common;
using System.Globalization;
using LibraryCluster.Actors.Holdings;
using LibraryCluster.Actors.Replicas;
using static LibraryCluster.Actors.Cluster.Store.ClusterDatabase;

namespace LibraryCluster.Actors.Cluster.Store;

/// <summary>A change to the cluster map, applied only if the map is still at the epoch it was computed from.</summary>
public abstract record MapChange
{
    /// <summary>Sets a node's state (Down, Out, Leaving, Up).</summary>
    public sealed record SetNode(string Node, NodeState State, string Reason) : MapChange;

    /// <summary>Sets a volume's state (Failed, Draining, In, Out).</summary>
    public sealed record SetVolume(string Volume, ClusterVolumeState State, string Reason) : MapChange;

    /// <summary>Sets a collection's replication factor.</summary>
    public sealed record SetReplication(string Collection, int Factor) : MapChange;

    /// <summary>Sets the holdings policy and what it chose; journaled under <paramref name="Node"/> (the node that was asked) with the reason.</summary>
    public sealed record SetHoldings(ClusterHoldings Holdings, string Node, string Reason) : MapChange;
}

/// <summary>Which journal entries to read: every filter is optional (see <see cref="ClusterStore.ReadJournal"/>).</summary>
public sealed record JournalQuery
{
    public int Limit { get; init; } = 100;

    public string? Torrent { get; init; }

    /// <summary>The node an entry is about (its replicas, its volumes, the node itself).</summary>
    public string? Node { get; init; }

    /// <summary>A volume's name on its node (with <see cref="Node"/> for one volume of the cluster).</summary>
    public string? Volume { get; init; }

    /// <summary>Only entries after this sequence number, oldest first.</summary>
    public long? After { get; init; }

    /// <summary>Only entries at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }
}

/// <summary>
/// The cluster map (nodes, volumes, epoch), the stored placement, the torrents the cluster holds, the replication
/// factors and every node's replicas, in the shared database. The database is the authority: map changes are conditional on the
/// epoch they were computed from and bump it in the same transaction; heartbeats and usage are not map changes.
/// </summary>
public sealed class ClusterStore
{
    private const string NodeColumns = "id, endpoint, zone, state, reason, state_since, heartbeat";
    private const string VolumeColumns = "id, node, name, capacity, used, state, reason";

    private readonly ClusterDatabase _database;

    public ClusterStore(ClusterDatabase database)
    {
        _database = database;
        database.Migrate();
    }

    public ClusterDatabase Database => _database;

    /// <summary>The map as one consistent read.</summary>
    public ClusterMap ReadMap() => _database.InTransaction((c, t) => new ClusterMap(
        Scalar<long>(c, t, "SELECT epoch FROM cluster WHERE id = 1"),
        Query(c, t, $"SELECT {NodeColumns} FROM nodes ORDER BY id", ReadNode),
        Query(c, t, $"SELECT {VolumeColumns} FROM volumes ORDER BY id", ReadVolume)));

    /// <summary>
    /// A node (re)joins: it is Up with this endpoint and zone, and its volumes are registered (a Failed one stays
    /// Failed until an operator brings it back In). Returns the new epoch and the state the node had (null if new).
    /// A node returning after being Out has its replicas marked Verifying in the same transaction, so that no
    /// peer counts a copy that was written off as Healthy before the node has checked it again.
    /// </summary>
    public (long Epoch, NodeState? Previous) Join(string node, string endpoint, string zone, IReadOnlyList<(string Name, long Capacity, long Used)> volumes, DateTimeOffset at) =>
        _database.InTransaction((c, t) =>
        {
            var epoch = Bump(c, t, expected: null)!.Value;
            var previousText = Scalar<string>(c, t, "SELECT state FROM nodes WHERE id = @id", ("id", node));
            NodeState? previous = previousText is null ? null : Enum.TryParse<NodeState>(previousText, out var p) ? p : NodeState.Out;
            Execute(c, t, $"""
                INSERT INTO nodes({NodeColumns}) VALUES (@id, @e, @z, 'Up', @r, @at, @at)
                ON CONFLICT (id) DO UPDATE SET endpoint = excluded.endpoint, zone = excluded.zone, state = 'Up',
                    reason = excluded.reason, state_since = excluded.state_since, heartbeat = excluded.heartbeat
                """, ("id", node), ("e", endpoint), ("z", zone), ("r", previous is null ? "joined" : $"rejoined (was {previous})"), ("at", at.ToUnixTimeMilliseconds()));
            foreach (var (name, capacity, used) in volumes)
            {
                Execute(c, t, $"""
                    INSERT INTO volumes({VolumeColumns}) VALUES (@id, @n, @name, @cap, @used, 'In', 'joined')
                    ON CONFLICT (id) DO UPDATE SET capacity = excluded.capacity, used = excluded.used
                    """, ("id", ClusterVolume.IdOf(node, name)), ("n", node), ("name", name), ("cap", capacity), ("used", used));
            }

            if (previous == NodeState.Out)
            {
                Execute(c, t, "UPDATE replicas SET state = 'Verifying', reason = 'node rejoined after being Out; checking its data again', since = @at WHERE node = @id AND state <> 'Lost'",
                    ("at", at.ToUnixTimeMilliseconds()), ("id", node));
            }

            return (epoch, previous);
        });

    /// <summary>Renews a node's lease and records its volumes' usage; not a map change. False if the node is not Up.</summary>
    public bool Heartbeat(string node, DateTimeOffset at, IReadOnlyList<(string Name, long Capacity, long Used)> volumes) =>
        _database.InTransaction((c, t) =>
        {
            var renewed = Execute(c, t, "UPDATE nodes SET heartbeat = @at WHERE id = @id AND state IN ('Up', 'Leaving')", ("at", at.ToUnixTimeMilliseconds()), ("id", node)) == 1;
            foreach (var (name, capacity, used) in volumes)
            {
                Execute(c, t, "UPDATE volumes SET capacity = @cap, used = @used WHERE id = @id", ("cap", capacity), ("used", used), ("id", ClusterVolume.IdOf(node, name)));
            }

            return renewed;
        });

    /// <summary>
    /// Applies <paramref name="changes"/> if the map is still at <paramref name="epoch"/>, bumping it once. Returns
    /// the new epoch, or null when another node changed the map first (read it again and recompute). Every node or
    /// volume whose state changes is journaled in the same transaction, under that node, with the change's reason.
    /// </summary>
    public long? Change(long epoch, DateTimeOffset at, params MapChange[] changes) => _database.InTransaction<long?>((c, t) =>
    {
        if (Bump(c, t, epoch) is not { } next)
        {
            return null;
        }

        foreach (var change in changes)
        {
            switch (change)
            {
                case MapChange.SetNode n:
                    var nodeWas = Scalar<string>(c, t, "SELECT state FROM nodes WHERE id = @id", ("id", n.Node));
                    if (Execute(c, t, "UPDATE nodes SET state = @s, reason = @r, state_since = @at WHERE id = @id AND state <> @s",
                        ("s", n.State.ToString()), ("r", n.Reason), ("at", at.ToUnixTimeMilliseconds()), ("id", n.Node)) == 1)
                    {
                        AppendJournal(c, t, at, n.Node, null, string.Empty, nodeWas!, n.State.ToString(), n.Reason);
                    }

                    break;
                case MapChange.SetVolume v:
                    var volumeWas = Query(c, t, "SELECT node, name, state FROM volumes WHERE id = @id", r => (Node: r.GetString(0), Name: r.GetString(1), State: r.GetString(2)), ("id", v.Volume));
                    Execute(c, t, "UPDATE volumes SET state = @s, reason = @r WHERE id = @id", ("s", v.State.ToString()), ("r", v.Reason), ("id", v.Volume));
                    if (volumeWas is [var was] && was.State != v.State.ToString())
                    {
                        AppendJournal(c, t, at, was.Node, null, was.Name, was.State, v.State.ToString(), v.Reason);
                    }

                    break;
                case MapChange.SetReplication r:
                    Execute(c, t, "INSERT INTO replication(collection, factor) VALUES (@c, @f) ON CONFLICT (collection) DO UPDATE SET factor = excluded.factor",
                        ("c", r.Collection), ("f", r.Factor));
                    break;
                case MapChange.SetHoldings h:
                    var holdingsWere = ReadHoldings(c, t);
                    WriteHoldings(c, t, h.Holdings with { Epoch = next });
                    AppendJournal(c, t, at, h.Node, null, string.Empty, holdingsWere is null ? "none" : Size(holdingsWere.Request), Size(h.Holdings.Request), h.Reason);
                    break;
            }
        }

        return next;
    });

    /// <summary>The holdings policy the cluster follows, or null when none was set (every torrent is held at its replication factor).</summary>
    public ClusterHoldings? ReadHoldings() => _database.InTransaction(ReadHoldings);

    /// <summary>Registers a torrent for the cluster to hold (idempotent for the same info-hash; <see cref="TorrentConflictException"/> for another one).</summary>
    public void AddTorrent(ClusterTorrent torrent, byte[] metainfo) => _database.With(c =>
    {
        var existing = Scalar<string>(c, null, "SELECT info_hash FROM torrents WHERE name = @n", ("n", torrent.Name));
        if (existing is not null && existing != torrent.InfoHash)
        {
            throw new TorrentConflictException(torrent.Name, existing, torrent.InfoHash);
        }

        return Execute(c, null, "INSERT INTO torrents(name, collection, size, info_hash, metainfo, added) VALUES (@n, @c, @s, @h, @m, @a) ON CONFLICT (name) DO NOTHING",
            ("n", torrent.Name), ("c", torrent.Collection), ("s", torrent.Size), ("h", torrent.InfoHash), ("m", metainfo), ("a", torrent.Added.ToUnixTimeMilliseconds()));
    });

    public IReadOnlyList<ClusterTorrent> ListTorrents() => _database.With(c =>
        Query(c, null, "SELECT name, collection, size, info_hash, added FROM torrents ORDER BY name", r =>
            new ClusterTorrent(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetString(3), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)))));

    /// <summary>The .torrent file of a torrent the cluster holds, or null.</summary>
    public byte[]? GetMetainfo(string torrent) => _database.With(c =>
    {
        using var command = Command(c, null, "SELECT metainfo FROM torrents WHERE name = @n", ("n", torrent));
        return command.ExecuteScalar() as byte[];
    });

    /// <summary>Replication factor per collection, as set; collections not listed use the cluster's default.</summary>
    public IReadOnlyDictionary<string, int> ReplicationFactors() => _database.With(c =>
        Query(c, null, "SELECT collection, factor FROM replication", r => (r.GetString(0), Convert.ToInt32(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture)))
            .ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal));

    /// <summary>Every replica of every node.</summary>
    public IReadOnlyList<ClusterReplica> ListReplicas() => _database.With(c =>
        Query(c, null, "SELECT node, torrent, volume, state, since FROM replicas ORDER BY torrent, node", r => new ClusterReplica(
            r.GetString(0), r.GetString(1), r.GetString(2),
            Enum.TryParse<ReplicaState>(r.GetString(3), out var state) ? state : ReplicaState.Absent,
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)))));

    /// <summary>The journal of the whole cluster, newest first, optionally for one torrent.</summary>
    public IReadOnlyList<Replicas.JournalEntry> RecentJournal(int limit, string? torrent = null) => _database.With(c => torrent is null
        ? Query(c, null, $"SELECT {SqlNodeStore.JournalColumns} FROM journal ORDER BY seq DESC LIMIT @l", SqlNodeStore.ReadJournal, ("l", Math.Clamp(limit, 0, 10_000)))
        : Query(c, null, $"SELECT {SqlNodeStore.JournalColumns} FROM journal WHERE torrent = @t ORDER BY seq DESC LIMIT @l", SqlNodeStore.ReadJournal, ("t", torrent), ("l", Math.Clamp(limit, 0, 10_000))));

    /// <summary>
    /// The journal of the whole cluster, filtered: newest first (the last <c>limit</c> entries), or, with
    /// <see cref="JournalQuery.After"/>, the entries after that sequence number oldest first (to follow it).
    /// </summary>
    public IReadOnlyList<Replicas.JournalEntry> ReadJournal(JournalQuery query) => _database.With(c =>
    {
        var where = new List<string>();
        var parameters = new List<(string, object?)> { ("l", Math.Clamp(query.Limit, 0, 10_000)) };
        void Filter(string condition, string name, object? value)
        {
            if (value is not null)
            {
                where.Add(condition);
                parameters.Add((name, value));
            }
        }

        Filter("torrent = @t", "t", query.Torrent);
        Filter("node = @n", "n", query.Node);
        Filter("volume = @v", "v", query.Volume);
        Filter("seq > @after", "after", query.After);
        Filter("at >= @since", "since", query.Since?.ToUnixTimeMilliseconds());
        var filter = where.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", where);
        var order = query.After is null ? "DESC" : "ASC";
        return Query(c, null, $"SELECT {SqlNodeStore.JournalColumns} FROM journal {filter} ORDER BY seq {order} LIMIT @l", SqlNodeStore.ReadJournal, [.. parameters]);
    });

    /// <summary>Every node's replica of one torrent with all that its node recorded (reason, last check, bad files), by node.</summary>
    public IReadOnlyList<(string Node, ReplicaStatus Status)> ReplicaDetails(string torrent) => _database.With(c =>
        Query(c, null, $"SELECT {SqlNodeStore.ReplicaColumns}, node FROM replicas WHERE torrent = @t ORDER BY node", r => (r.GetString(8), SqlNodeStore.ReadReplica(r)), ("t", torrent)));

    /// <summary>The stored placement: torrent → its target volume ids (ordinal order); empty before the first is stored.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ReadPlacement() => _database.With(c =>
        Query(c, null, "SELECT torrent, volume FROM placement ORDER BY torrent, volume", r => (Torrent: r.GetString(0), Volume: r.GetString(1)))
            .GroupBy(r => r.Torrent, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(r => r.Volume).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal));

    /// <summary>
    /// Stores <paramref name="placement"/> (torrent → target volume ids) as the placement every node acts on, if the
    /// map is still at <paramref name="epoch"/>, bumping it in the same transaction: nodes that computed one from an
    /// older map or placement have their writes refused and read again. Only the rows that differ are written.
    /// Returns the new epoch, or null when the map moved first.
    /// </summary>
    public long? ReplacePlacement(long epoch, IReadOnlyDictionary<string, IReadOnlyList<string>> placement) => _database.InTransaction<long?>((c, t) =>
    {
        if (Bump(c, t, epoch) is not { } next)
        {
            return null;
        }

        var wanted = placement.SelectMany(p => p.Value.Select(v => (p.Key, v))).ToHashSet();
        var stored = Query(c, t, "SELECT torrent, volume FROM placement", r => (r.GetString(0), r.GetString(1))).ToHashSet();
        foreach (var (torrent, volume) in stored.Where(row => !wanted.Contains(row)).Order())
        {
            Execute(c, t, "DELETE FROM placement WHERE torrent = @t AND volume = @v", ("t", torrent), ("v", volume));
        }

        foreach (var (torrent, volume) in wanted.Where(row => !stored.Contains(row)).Order())
        {
            Execute(c, t, "INSERT INTO placement(torrent, volume) VALUES (@t, @v)", ("t", torrent), ("v", volume));
        }

        return next;
    });

    private static ClusterHoldings? ReadHoldings(DbConnection c, DbTransaction t)
    {
        var rows = Query(c, t, "SELECT max_bytes, max_age_ms, unknown, release_unchosen, set_at, set_by, epoch FROM holdings WHERE id = 1", r => (
            Request: new HoldingsRequest(
                r.GetInt64(0),
                TimeSpan.FromMilliseconds(r.GetInt64(1)),
                Enum.TryParse<UnknownSwarms>(r.GetString(2), out var unknown) ? unknown : UnknownSwarms.Last,
                Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture) != 0),
            SetAt: DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)),
            SetBy: r.GetString(5),
            Epoch: r.GetInt64(6)));
        if (rows is not [var row])
        {
            return null;
        }

        var decisions = Query(c, t, "SELECT torrent, decision FROM holdings_torrents", r => (Torrent: r.GetString(0), Decision: r.GetString(1)));
        HashSet<string> Decided(string decision) => decisions.Where(d => d.Decision == decision).Select(d => d.Torrent).ToHashSet(StringComparer.Ordinal);
        return new ClusterHoldings(row.Request, row.SetAt, row.SetBy, row.Epoch, Decided(Wanted), Decided(Released));
    }

    /// <summary>The policy row, and only the torrent decisions that differ from the stored ones.</summary>
    private static void WriteHoldings(DbConnection c, DbTransaction t, ClusterHoldings holdings)
    {
        var request = holdings.Request;
        Execute(c, t, """
            INSERT INTO holdings(id, max_bytes, max_age_ms, unknown, release_unchosen, set_at, set_by, epoch) VALUES (1, @b, @a, @u, @r, @at, @by, @e)
            ON CONFLICT (id) DO UPDATE SET max_bytes = excluded.max_bytes, max_age_ms = excluded.max_age_ms, unknown = excluded.unknown,
                release_unchosen = excluded.release_unchosen, set_at = excluded.set_at, set_by = excluded.set_by, epoch = excluded.epoch
            """,
            ("b", request.MaxBytes), ("a", (long)request.MaxAge.TotalMilliseconds), ("u", request.Unknown.ToString()), ("r", request.Release ? 1 : 0),
            ("at", holdings.SetAt.ToUnixTimeMilliseconds()), ("by", holdings.SetBy), ("e", holdings.Epoch));
        var wanted = holdings.Wanted.Select(n => (n, Wanted)).Concat(holdings.Released.Select(n => (n, Released))).ToDictionary(p => p.n, p => p.Item2, StringComparer.Ordinal);
        var stored = Query(c, t, "SELECT torrent, decision FROM holdings_torrents", r => (r.GetString(0), r.GetString(1))).ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal);
        foreach (var torrent in stored.Keys.Where(k => !wanted.ContainsKey(k)).Order(StringComparer.Ordinal))
        {
            Execute(c, t, "DELETE FROM holdings_torrents WHERE torrent = @t", ("t", torrent));
        }

        foreach (var (torrent, decision) in wanted.Where(p => stored.GetValueOrDefault(p.Key) != p.Value).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Execute(c, t, "INSERT INTO holdings_torrents(torrent, decision) VALUES (@t, @d) ON CONFLICT (torrent) DO UPDATE SET decision = excluded.decision", ("t", torrent), ("d", decision));
        }
    }

    private const string Wanted = "Wanted";
    private const string Released = "Released";

    private static string Size(HoldingsRequest request) =>
        string.Create(CultureInfo.InvariantCulture, $"{request.MaxBytes / (double)HoldingsOptions.Terabyte:0.####} TB{(request.Release ? ", release" : string.Empty)}");

    private static void AppendJournal(DbConnection c, DbTransaction t, DateTimeOffset at, string node, string? torrent, string volume, string from, string to, string reason) =>
        Execute(c, t, "INSERT INTO journal(at, node, torrent, volume, from_state, to_state, reason, bytes) VALUES (@at, @n, @t, @v, @f, @to, @r, 0)",
            ("at", at.ToUnixTimeMilliseconds()), ("n", node), ("t", torrent), ("v", volume), ("f", from), ("to", to), ("r", reason));

    /// <summary>Moves the epoch on by one: unconditionally, or only from <paramref name="expected"/> (null if it moved).</summary>
    private static long? Bump(DbConnection c, DbTransaction t, long? expected) =>
        expected is { } e
            ? Scalar<long?>(c, t, "UPDATE cluster SET epoch = epoch + 1 WHERE id = 1 AND epoch = @e RETURNING epoch", ("e", e))
            : Scalar<long?>(c, t, "UPDATE cluster SET epoch = epoch + 1 WHERE id = 1 RETURNING epoch");

    private static ClusterNode ReadNode(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2),
        Enum.TryParse<NodeState>(r.GetString(3), out var state) ? state : NodeState.Down,
        r.GetString(4),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)));

    private static ClusterVolume ReadVolume(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4),
        Enum.TryParse<ClusterVolumeState>(r.GetString(5), out var state) ? state : ClusterVolumeState.Failed,
        r.GetString(6));
}
