namespace LibraryCluster.Actors.Cluster;

/// <summary>Everything a node reads from the database to decide what to do: one consistent look at the cluster.</summary>
public sealed record ClusterSnapshot(
    ClusterMap Map,
    IReadOnlyList<ClusterTorrent> Torrents,
    IReadOnlyDictionary<string, int> ReplicationFactors,
    IReadOnlyList<ClusterReplica> Replicas,
    DateTimeOffset ReadAt)
{
    /// <summary>Nodes that serve and supply data now.</summary>
    public bool IsUp(string node) => Map.Node(node)?.State is NodeState.Up or NodeState.Leaving;

    public int ReplicationFactor(ClusterTorrent torrent, int fallback) => ReplicationFactors.GetValueOrDefault(torrent.Collection, fallback);
}
