using LibraryCluster.Actors.Cluster.Transfers;
using LibraryCluster.Actors.Holdings;
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

    /// <summary>The holdings policy read with the map; null when none was set (every torrent is wanted).</summary>
    public ClusterHoldings? Holdings { get; init; }

    /// <summary>Nodes that serve and supply data now.</summary>
    public bool IsUp(string node) => Map.Node(node)?.State is NodeState.Up or NodeState.Leaving;

    /// <summary>
    /// The copies the cluster keeps of <paramref name="torrent"/>: its collection's factor (else
    /// <paramref name="fallback"/>), unless a holdings policy does not want it. Then one copy while the cluster has
    /// data of it (it is kept and seeded, never made again from nothing), and none when it has none, or when an
    /// operator released it (every copy is let go).
    /// </summary>
    public int ReplicationFactor(ClusterTorrent torrent, int fallback)
    {
        var factor = ReplicationFactors.GetValueOrDefault(torrent.Collection, fallback);
        return Holding(torrent.Name) switch
        {
            null or HoldingState.Wanted => factor,
            HoldingState.Kept => Math.Min(1, factor),
            _ => 0,
        };
    }

    /// <summary>What the holdings policy makes of <paramref name="torrent"/>; null without a policy (every torrent is wanted).</summary>
    public HoldingState? Holding(string torrent) =>
        Holdings is not { } holdings ? null
        : holdings.Wanted.Contains(torrent) ? HoldingState.Wanted
        : holdings.Released.Contains(torrent) ? HoldingState.Released
        : HoldsData(torrent) ? HoldingState.Kept
        : HoldingState.NotWanted;

    /// <summary>
    /// Whether a copy of <paramref name="torrent"/> has data, or is getting it, on a node that is not Out (a node merely
    /// Down still has its copies): what a holdings policy that does not want the torrent keeps.
    /// </summary>
    public bool HoldsData(string torrent) =>
        ReplicasOf(torrent).Any(r => r.State is not (ReplicaState.Absent or ReplicaState.Lost or ReplicaState.Retiring) && Map.Node(r.Node)?.State is { } state && state != NodeState.Out);

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
