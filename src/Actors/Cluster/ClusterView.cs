using LibraryCluster.Actors.Cluster.Transfers;
using LibraryCluster.Actors.Replicas;

namespace LibraryCluster.Actors.Cluster;

/// <summary>
/// The last cluster snapshot this node read, for request handlers (which peer can serve a file) and the API,
/// readable from any thread. Stale by at most a reconcile interval; a peer that fails a request is skipped.
/// </summary>
public sealed class ClusterView
{
    private volatile ClusterSnapshot? _snapshot;

    public ClusterSnapshot? Snapshot => _snapshot;

    internal void Publish(ClusterSnapshot snapshot) => _snapshot = snapshot;

    /// <summary>Up peers other than <paramref name="self"/> whose replica of <paramref name="torrent"/> is Healthy.</summary>
    public IReadOnlyList<PeerSource> PeersWith(string torrent, string self)
    {
        if (_snapshot is not { } snapshot)
        {
            return [];
        }

        return snapshot.Replicas
            .Where(r => r.Torrent == torrent && r.Node != self && r.State is ReplicaState.Healthy or ReplicaState.Scrubbing && snapshot.IsUp(r.Node))
            .Select(r => snapshot.Map.Node(r.Node)!)
            .Select(n => new PeerSource(n.Id, new Uri(n.Endpoint)))
            .ToList();
    }
}
