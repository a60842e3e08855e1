using LibraryCluster.Torrents.Trackers;

namespace LibraryCluster.Actors.Holdings;

/// <summary>
/// One torrent in a holdings plan: the counts used (from the tracker reporting the most seeders), how much is known,
/// its score (lower is needier; null when not ranked by count), whether it was chosen, the running total of chosen
/// bytes after it, and why.
/// </summary>
public sealed record HoldingChoice(
    HoldingCandidate Torrent,
    SwarmKnowledge Knowledge,
    ScrapeCounts? Counts,
    string? Tracker,
    DateTimeOffset? ScrapedAt,
    string? Note,
    double? Score,
    bool Chosen,
    long RunningTotal,
    string Reason);
