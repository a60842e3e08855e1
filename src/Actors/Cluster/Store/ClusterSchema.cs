namespace LibraryCluster.Actors.Cluster.Store;

/// <summary>
/// Tables of the node and cluster stores, the same on SQLite and PostgreSQL but for two type names. Times are
/// Unix milliseconds. Volume ids are cluster-wide: <c>node/volume</c>.
/// </summary>
internal static class ClusterSchema
{
    public const int Version = 3;

    /// <summary>
    /// The placement every node acts on: one row per (torrent, target volume). Written only by
    /// <see cref="ClusterStore.ReplacePlacement"/>, which bumps the epoch (version 2).
    /// </summary>
    private const string PlacementTable = """
        CREATE TABLE IF NOT EXISTS placement(
            torrent TEXT NOT NULL,
            volume TEXT NOT NULL,
            PRIMARY KEY (torrent, volume));
        """;

    /// <summary>
    /// The holdings policy (version 3): one row with what an operator set, and per torrent what it decided (Wanted or
    /// Released; a torrent with no row is not wanted). Written only by <see cref="ClusterStore.Change"/>, which bumps
    /// the epoch: an older build would place every torrent and fight the newer nodes over the placement.
    /// </summary>
    private const string HoldingsTables = """
        CREATE TABLE IF NOT EXISTS holdings(
            id INTEGER PRIMARY KEY,
            max_bytes BIGINT NOT NULL,
            max_age_ms BIGINT NOT NULL,
            unknown TEXT NOT NULL,
            release_unchosen INTEGER NOT NULL,
            set_at BIGINT NOT NULL,
            set_by TEXT NOT NULL,
            epoch BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS holdings_torrents(
            torrent TEXT PRIMARY KEY,
            decision TEXT NOT NULL);
        """;

    public static string Create(SqlEngine engine)
    {
        var (serial, blob) = engine == SqlEngine.Postgres
            ? ("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "BYTEA")
            : ("INTEGER PRIMARY KEY AUTOINCREMENT", "BLOB");
        return $"""
            CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS cluster(id INTEGER PRIMARY KEY, epoch BIGINT NOT NULL);
            INSERT INTO cluster(id, epoch) VALUES (1, 1) ON CONFLICT (id) DO NOTHING;
            CREATE TABLE IF NOT EXISTS nodes(
                id TEXT PRIMARY KEY,
                endpoint TEXT NOT NULL,
                zone TEXT NOT NULL,
                state TEXT NOT NULL,
                reason TEXT NOT NULL,
                state_since BIGINT NOT NULL,
                heartbeat BIGINT NOT NULL);
            CREATE TABLE IF NOT EXISTS volumes(
                id TEXT PRIMARY KEY,
                node TEXT NOT NULL,
                name TEXT NOT NULL,
                capacity BIGINT NOT NULL,
                used BIGINT NOT NULL,
                state TEXT NOT NULL,
                reason TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS torrents(
                name TEXT PRIMARY KEY,
                collection TEXT NOT NULL,
                size BIGINT NOT NULL,
                info_hash TEXT NOT NULL,
                metainfo {blob} NOT NULL,
                added BIGINT NOT NULL);
            CREATE TABLE IF NOT EXISTS replication(collection TEXT PRIMARY KEY, factor INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS replicas(
                node TEXT NOT NULL,
                torrent TEXT NOT NULL,
                volume TEXT NOT NULL,
                state TEXT NOT NULL,
                reason TEXT NOT NULL,
                since BIGINT NOT NULL,
                bytes_verified BIGINT NOT NULL,
                last_verified BIGINT,
                bad_files TEXT NOT NULL,
                PRIMARY KEY (node, torrent));
            CREATE INDEX IF NOT EXISTS replicas_torrent ON replicas(torrent);
            CREATE TABLE IF NOT EXISTS journal(
                seq {serial},
                at BIGINT NOT NULL,
                node TEXT NOT NULL,
                torrent TEXT,
                volume TEXT NOT NULL,
                from_state TEXT NOT NULL,
                to_state TEXT NOT NULL,
                reason TEXT NOT NULL,
                bytes BIGINT NOT NULL);
            CREATE INDEX IF NOT EXISTS journal_torrent ON journal(torrent, seq);
            """ + PlacementTable + HoldingsTables;
    }
}
