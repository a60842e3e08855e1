namespace LibraryCluster.Actors.Cluster.Store;

/// <summary>The cluster already holds a torrent of this name with another info-hash: two different .torrent files share one name.</summary>
public sealed class TorrentConflictException(string torrent, string clusterInfoHash, string infoHash)
    : Exception($"torrent {torrent} is already held by the cluster with info-hash {clusterInfoHash}; this one has {infoHash}")
{
    public string Torrent { get; } = torrent;

    public string ClusterInfoHash { get; } = clusterInfoHash;

    public string InfoHash { get; } = infoHash;
}
