namespace LibraryCluster.Actors.Cluster;

/// <summary>Where a node stands in the cluster (docs/cluster.md).</summary>
public enum NodeState
{
    /// <summary>Heartbeating; serves and holds replicas.</summary>
    Up,

    /// <summary>Missed its heartbeats: requests route around it, its replicas still count for placement.</summary>
    Down,

    /// <summary>Leaving on purpose: its replicas are moved away before it goes.</summary>
    Leaving,

    /// <summary>Down for longer than the down-out interval (or left): its replicas are made again elsewhere.</summary>
    Out,
}

/// <summary>Where a volume stands in the cluster.</summary>
public enum ClusterVolumeState
{
    In,

    /// <summary>An operator is emptying it: placement no longer uses it, its replicas move away.</summary>
    Draining,

    /// <summary>Empty and no longer used.</summary>
    Out,

    /// <summary>Its node found it broken: its replicas are made again elsewhere at once.</summary>
    Failed,
}

/// <summary>A node of the cluster as the database records it.</summary>
public sealed record ClusterNode(string Id, string Endpoint, string Zone, NodeState State, string Reason, DateTimeOffset StateSince, DateTimeOffset Heartbeat);

/// <summary>A volume of the cluster: <see cref="Id"/> is <c>node/name</c>.</summary>
public sealed record ClusterVolume(string Id, string Node, string Name, long Capacity, long Used, ClusterVolumeState State, string Reason)
{
    public static string IdOf(string node, string name) => $"{node}/{name}";
}

/// <summary>A torrent the cluster holds, with its .torrent file so that any node can fetch and verify it.</summary>
public sealed record ClusterTorrent(string Name, string Collection, long Size, string InfoHash, DateTimeOffset Added);

/// <summary>One replica anywhere in the cluster (the replicas table, read by every node).</summary>
public sealed record ClusterReplica(string Node, string Torrent, string Volume, Replicas.ReplicaState State, DateTimeOffset Since)
{
    public string VolumeId => ClusterVolume.IdOf(Node, Volume);
}

/// <summary>The cluster map at one epoch: every node and volume. Every change to it bumps the epoch.</summary>
public sealed record ClusterMap(long Epoch, IReadOnlyList<ClusterNode> Nodes, IReadOnlyList<ClusterVolume> Volumes)
{
    public ClusterNode? Node(string id) => Nodes.FirstOrDefault(n => n.Id == id);
}
