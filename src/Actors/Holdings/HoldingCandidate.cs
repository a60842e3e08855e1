using LibraryCluster.Actors.Cluster.Store;

namespace LibraryCluster.Actors.Holdings;

/// <summary>A torrent the cluster could hold: its size, whether a Healthy copy is held now, and what its trackers said.</summary>
public sealed record HoldingCandidate(string Name, string InfoHash, long Size, bool Held, IReadOnlyList<TrackerScrape> Scrapes);
