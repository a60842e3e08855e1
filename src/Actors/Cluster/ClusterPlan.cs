using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Cluster.Transfers;

namespace LibraryCluster.Actors.Cluster;

/// <summary>What one node does after one look at the cluster.</summary>
public sealed record ClusterPlan
{
    /// <summary>Map changes this node saw were due (a node Down or Out, a local volume Failed), applied at the snapshot's epoch.</summary>
    public IReadOnlyList<MapChange> MapChanges { get; init; } = [];

    /// <summary>
    /// A placement that differs from the stored one (computed from it and the map): to be stored at the snapshot's
    /// epoch before anyone acts on it. Null when the stored placement stands.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Placement { get; init; }

    /// <summary>Torrents placed on this node that it does not hold yet: torrent → local volume.</summary>
    public IReadOnlyList<(string Torrent, string Volume)> Holds { get; init; } = [];

    /// <summary>Local replicas to fill from peers.</summary>
    public IReadOnlyList<(string Torrent, IReadOnlyList<PeerSource> Sources, bool Healing)> Fetches { get; init; } = [];

    /// <summary>Local replicas placement no longer wants, whose torrent has its full count of Healthy copies on its targets.</summary>
    public IReadOnlyList<(string Torrent, string Reason)> Retires { get; init; } = [];

    /// <summary>
    /// Local replicas nothing wants that held no data when this node looked: let go only if they still hold none
    /// when the replica gets the word (its data may have arrived since the snapshot was read).
    /// </summary>
    public IReadOnlyList<(string Torrent, string Reason)> LetGo { get; init; } = [];

    /// <summary>
    /// Healthy local copies on a volume the map no longer lets hold data (Draining, Out) whose torrent placement
    /// put on another volume of this node: move them there, make before break.
    /// </summary>
    public IReadOnlyList<(string Torrent, string Volume, string Reason)> Moves { get; init; } = [];

    /// <summary>This node's volumes an operator declared Failed in the map while the node still uses them: their copies are Lost.</summary>
    public IReadOnlyList<(string Volume, string Reason)> WriteOffs { get; init; } = [];

    /// <summary>This node's volumes that are not In: no new torrent goes there.</summary>
    public IReadOnlySet<string> ClosedVolumes { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Torrents with fewer targets than their replication factor (not enough nodes or room).</summary>
    public IReadOnlyList<string> Underplaced { get; init; } = [];
}
