using LibraryCluster.Torrents.Trackers;

namespace LibraryCluster.Actors.Cluster.Store;

/// <summary>
/// What is known about one torrent at one tracker: the last successful counts and when they were taken (null if
/// no scrape ever succeeded), and the last attempt with its error (null when that attempt succeeded).
/// </summary>
public sealed record TrackerScrape(string InfoHash, string Tracker, ScrapeCounts? Counts, DateTimeOffset? ScrapedAt, DateTimeOffset AttemptedAt, string? Error);
