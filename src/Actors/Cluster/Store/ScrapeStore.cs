using System.Data.Common;
using LibraryCluster.Torrents.Trackers;
using static LibraryCluster.Actors.Cluster.Store.ClusterDatabase;

namespace LibraryCluster.Actors.Cluster.Store;

/// <summary>
/// Tracker scrape results in the node or cluster database (the <c>scrapes</c> table): written by
/// <c>libcluster torrents scrape</c>, read by <c>libcluster holdings plan</c> and the node. Info-hashes are 40
/// lowercase hex digits.
/// </summary>
public sealed class ScrapeStore
{
    private const string Columns = "info_hash, tracker, seeders, completed, leechers, scraped_at, attempted_at, error";

    private readonly ClusterDatabase _database;

    /// <summary>Opens the store, creating or upgrading the schema.</summary>
    public ScrapeStore(ClusterDatabase database)
    {
        _database = database;
        database.Migrate();
    }

    /// <summary>
    /// Records a tracker's report in one transaction: counts for the torrents it answered, and its error for the
    /// torrents it did not (their last good counts are kept).
    /// </summary>
    public void Record(TrackerScrapeReport report) => _database.InTransaction((c, t) =>
    {
        var at = report.At.ToUnixTimeMilliseconds();
        foreach (var (hash, counts) in report.Counts)
        {
            Execute(c, t, $"""
                INSERT INTO scrapes({Columns}) VALUES (@h, @tr, @s, @c, @l, @at, @at, NULL)
                ON CONFLICT (info_hash, tracker) DO UPDATE SET seeders = excluded.seeders, completed = excluded.completed,
                    leechers = excluded.leechers, scraped_at = excluded.scraped_at, attempted_at = excluded.attempted_at, error = NULL
                """, ("h", hash.ToString()), ("tr", report.Tracker), ("s", counts.Seeders), ("c", counts.Completed), ("l", counts.Leechers), ("at", at));
        }

        var error = report.Error?.Detail ?? "not scraped";
        foreach (var hash in report.NotScraped)
        {
            Execute(c, t, $"""
                INSERT INTO scrapes({Columns}) VALUES (@h, @tr, NULL, NULL, NULL, NULL, @at, @e)
                ON CONFLICT (info_hash, tracker) DO UPDATE SET attempted_at = excluded.attempted_at, error = excluded.error
                """, ("h", hash.ToString()), ("tr", report.Tracker), ("at", at), ("e", error));
        }

        return 0;
    });

    /// <summary>Every row, or those of the given info-hashes; ordered by info-hash and tracker.</summary>
    public IReadOnlyList<TrackerScrape> Read(IReadOnlyCollection<string>? infoHashes = null) => _database.With(c =>
    {
        var rows = Query(c, null, $"SELECT {Columns} FROM scrapes ORDER BY info_hash, tracker", ReadRow);
        if (infoHashes is null)
        {
            return rows;
        }

        var wanted = infoHashes.Select(h => h.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        return rows.Where(r => wanted.Contains(r.InfoHash)).ToList();
    });

    private static TrackerScrape ReadRow(DbDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        r.IsDBNull(2) ? null : new ScrapeCounts(Int(r, 2), Int(r, 3), Int(r, 4)),
        r.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
        r.IsDBNull(7) ? null : r.GetString(7));

    private static int Int(DbDataReader r, int column) => Convert.ToInt32(r.GetValue(column), System.Globalization.CultureInfo.InvariantCulture);
}
