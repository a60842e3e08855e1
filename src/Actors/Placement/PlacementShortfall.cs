namespace LibraryCluster.Actors.Placement;

/// <summary>A torrent that got fewer targets than it wanted, and why.</summary>
/// <param name="Torrent">The torrent's name.</param>
/// <param name="Wanted">Its replication factor.</param>
/// <param name="Placed">How many targets it got (possibly zero).</param>
/// <param name="Reason">Why it got no more.</param>
public sealed record PlacementShortfall(string Torrent, int Wanted, int Placed, UnderplacedReason Reason);
