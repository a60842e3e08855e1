namespace LibraryCluster.Actors.Cluster.Transfers;

/// <summary>No peer could supply a piece that verifies, or a file of the torrent cannot be written where it belongs.</summary>
public sealed class PeerFetchException(string message) : Exception(message);
