using LibraryCluster.Actors.Cluster.Transfers;
using LibraryCluster.Actors.Placement;
using LibraryCluster.Actors.Replicas;

namespace LibraryCluster.Actors.Cluster;

/// <summary>Everything a node reads from the database to decide what to do: one consistent look at the cluster.</summary>
public sealed record ClusterSnapshot(
    ClusterMap Map,
    IReadOnlyList<ClusterTorrent> Torrents,
    IReadOnlyDictionary<string, int> ReplicationFactors,
    IReadOnlyList<ClusterReplica> Replicas,
    DateTimeOffset ReadAt)
{
    /// <summary>The stored placement (torrent → target volume ids) read with the map; empty before the first is stored.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Placement { get; init; } = ReplicaPlacement.Nothing;

    /// <summary>Nodes that serve and supply data now.</summary>
    public bool IsUp(string node) => Map.Node(node)?.State is NodeState.Up or NodeState.Leaving;

    public int ReplicationFactor(ClusterTorrent torrent, int fallback) => ReplicationFactors.GetValueOrDefault(torrent.Collection, fallback);

    /// <summary>Whether a replica counts as a copy the cluster can rely on: Healthy (or being scrubbed) on an Up node.</summary>
    public bool CountsAsHealthy(ClusterReplica replica) => replica.State is ReplicaState.Healthy or ReplicaState.Scrubbing && IsUp(replica.Node);

    /// <summary>Up peers other than <paramref name="self"/> with a Healthy copy of <paramref name="torrent"/>, by node id.</summary>
    public IReadOnlyList<PeerSource> HealthyPeers(string torrent, string self) =>
        ReplicasOf(torrent).Where(r => r.Node != self && CountsAsHealthy(r))
            .Select(r => Map.Node(r.Node)!)
            .Select(n => new PeerSource(n.Id, new Uri(n.Endpoint)))
            .OrderBy(p => p.Node, StringComparer.Ordinal)
            .ToList();

    /// <summary>Every replica of every node, as read.</summary>
    public IReadOnlyList<ClusterReplica> Replicas
    {
        get;
        init
        {
            field = value;
            _byTorrent = null;
        }
    } = Replicas;

    private ILookup<string, ClusterReplica>? _byTorrent;

    /// <summary>The replicas of one torrent (looked up, not scanned: the planner and every forwarded download ask).</summary>
    public IEnumerable<ClusterReplica> ReplicasOf(string torrent) => (_byTorrent ??= Replicas.ToLookup(r => r.Torrent, StringComparer.Ordinal))[torrent];
}
