using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Torrents.Metainfo;
using LibraryCluster.Torrents.Trackers;

namespace LibraryCluster.Actors.Tests.Cluster;

/// <summary>The scrapes table, on SQLite and PostgreSQL alike.</summary>
public abstract partial class ClusterStoreContract
{
    private static readonly InfoHash Alpha = InfoHash.Compute([1]);
    private static readonly InfoHash Beta = InfoHash.Compute([2]);
    private static readonly DateTimeOffset At = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static TrackerScrapeReport Report(string tracker, DateTimeOffset at, Dictionary<InfoHash, ScrapeCounts> counts, params InfoHash[] failed) =>
        new(tracker, at, counts, failed, failed.Length == 0 ? null : new TrackerException(tracker, TrackerProblem.Timeout, "no reply to connect after 2 tries"));

    [Fact]
    public async Task Scrape_counts_round_trip_with_their_time_per_torrent_and_tracker()
    {
        var store = new ScrapeStore(await NewDatabaseAsync());

        store.Record(Report("udp://a:1/announce", At, new() { [Alpha] = new(3, 10, 1), [Beta] = new(0, 0, 0) }));
        store.Record(Report("http://b/announce", At.AddMinutes(1), new() { [Alpha] = new(5, 2, 0) }));

        Assert.Equal(
            [
                new TrackerScrape(Alpha.ToString(), "http://b/announce", new(5, 2, 0), At.AddMinutes(1), At.AddMinutes(1), null),
                new TrackerScrape(Alpha.ToString(), "udp://a:1/announce", new(3, 10, 1), At, At, null),
                new TrackerScrape(Beta.ToString(), "udp://a:1/announce", new(0, 0, 0), At, At, null),
            ],
            store.Read().OrderBy(r => r.InfoHash, StringComparer.Ordinal).ThenBy(r => r.Tracker, StringComparer.Ordinal));
        Assert.Equal([Beta.ToString()], store.Read([Beta.ToString().ToUpperInvariant()]).Select(r => r.InfoHash));
    }

    [Fact]
    public async Task A_failed_scrape_records_its_error_and_keeps_the_last_good_counts_until_a_new_success()
    {
        var store = new ScrapeStore(await NewDatabaseAsync());
        const string tracker = "udp://a:1/announce";

        store.Record(Report(tracker, At, new() { [Alpha] = new(3, 10, 1) }));
        store.Record(Report(tracker, At.AddHours(1), [], Alpha, Beta));

        var rows = store.Read().ToDictionary(r => r.InfoHash);
        Assert.Equal(new TrackerScrape(Alpha.ToString(), tracker, new(3, 10, 1), At, At.AddHours(1), "no reply to connect after 2 tries"), rows[Alpha.ToString()]);
        Assert.Equal(new TrackerScrape(Beta.ToString(), tracker, null, null, At.AddHours(1), "no reply to connect after 2 tries"), rows[Beta.ToString()]);

        store.Record(Report(tracker, At.AddHours(2), new() { [Alpha] = new(4, 11, 0) }));
        Assert.Equal(new TrackerScrape(Alpha.ToString(), tracker, new(4, 11, 0), At.AddHours(2), At.AddHours(2), null), store.Read([Alpha.ToString()]).Single());
    }

    [Fact]
    public async Task Nodes_opening_the_scrape_store_at_once_all_succeed()
    {
        var database = await NewDatabaseAsync();

        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => new ScrapeStore(database))));

        Assert.Empty(new ScrapeStore(database).Read());
    }
}
