namespace LibraryCluster.Actors.Cluster.Store;

/// <summary>
/// Seeder counts from tracker scrapes, one row per torrent and tracker: the last successful counts with their time,
/// and the last attempt with its error (null when it succeeded), so a failed scrape never erases good counts.
/// Added beside <see cref="ClusterSchema"/> by the same migration; an older build simply ignores the table.
/// </summary>
internal static class ScrapeSchema
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS scrapes(
            info_hash TEXT NOT NULL,
            tracker TEXT NOT NULL,
            seeders INTEGER,
            completed INTEGER,
            leechers INTEGER,
            scraped_at BIGINT,
            attempted_at BIGINT NOT NULL,
            error TEXT,
            PRIMARY KEY (info_hash, tracker));
        """;
}
