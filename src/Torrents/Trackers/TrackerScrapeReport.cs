using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Trackers;

/// <summary>
/// What one tracker said about the torrents it was asked about. When a batch fails, the counts of the batches
/// before it are kept, and the torrents not scraped carry <see cref="Error"/>.
/// </summary>
public sealed record TrackerScrapeReport(
    string Tracker,
    DateTimeOffset At,
    IReadOnlyDictionary<InfoHash, ScrapeCounts> Counts,
    IReadOnlyList<InfoHash> NotScraped,
    TrackerException? Error);
