using LibraryCluster.Actors.Placement;

namespace LibraryCluster.Actors.Cluster;

/// <summary>How this node takes part in a cluster (defaults as in docs/cluster.md).</summary>
public sealed record ClusterSettings
{
    /// <summary>This node's stable id (the pod name on Kubernetes).</summary>
    public required string NodeId { get; init; }

    /// <summary>Where peers reach this node, e.g. <c>http://127.0.0.1:8081/</c>.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The failure domain (rack, room, site): replicas go to distinct zones where there are enough.</summary>
    public string Zone { get; init; } = "default";

    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A node whose last heartbeat is older than this is Down: requests route around it.</summary>
    public TimeSpan DownAfter { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A node Down for longer than this is Out: its replicas are made again elsewhere.</summary>
    public TimeSpan DownOutInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the node reads the map and acts on it.</summary>
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Copies of each torrent for collections with no factor of their own in the map.</summary>
    public int DefaultReplicationFactor { get; init; } = 2;

    public PlacementOptions Placement { get; init; } = new();
}
