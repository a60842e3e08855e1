using LibraryCluster.Actors.Cluster.Transfers;

namespace LibraryCluster.Actors.Cluster;

/// <summary>
/// The last cluster snapshot this node read, for request handlers (which peer can serve a file) and the API,
/// readable from any thread. Stale by at most a reconcile interval; a peer that fails a request is skipped.
/// </summary>
public sealed class ClusterView
{
    private volatile ClusterSnapshot? _snapshot;

    public ClusterSnapshot? Snapshot => _snapshot;

    private volatile IReadOnlyDictionary<string, string> _conflicts = new Dictionary<string, string>();

    internal void Publish(ClusterSnapshot snapshot) => _snapshot = snapshot;

    /// <summary>Torrents held here under a name the cluster holds with another info-hash, with what is wrong; none normally.</summary>
    public IReadOnlyDictionary<string, string> Conflicts => _conflicts;

    internal void PublishConflicts(IReadOnlyDictionary<string, string> conflicts) => _conflicts = conflicts;

    /// <summary>Up peers other than <paramref name="self"/> whose replica of <paramref name="torrent"/> is Healthy.</summary>
    public IReadOnlyList<PeerSource> PeersWith(string torrent, string self) => _snapshot?.HealthyPeers(torrent, self) ?? [];
}
