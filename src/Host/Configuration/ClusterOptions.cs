namespace LibraryCluster.Host.Configuration;

/// <summary>
/// Section "Cluster": set <see cref="Database"/> to run as one node of a cluster sharing a PostgreSQL database;
/// leave it unset for a single-node mirror on SQLite. Defaults as in docs/cluster.md.
/// </summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>PostgreSQL connection string of the shared cluster database (a secret: never logged).</summary>
    public string? Database { get; set; }

    /// <summary>This node's stable id; default the host name (the pod name on Kubernetes).</summary>
    public string NodeId { get; set; } = Environment.MachineName;

    /// <summary>Where peers reach this node (http://host:port/); default the first address it listens on.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Failure domain (rack, room, site): copies go to distinct zones where there are enough.</summary>
    public string Zone { get; set; } = "default";

    /// <summary>Shared secret for the internal endpoints nodes copy data through (at least 16 characters).</summary>
    public string? Token { get; set; }

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A node silent this long is Down (requests route around it).</summary>
    public TimeSpan DownAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A node Down this long is Out: its copies are made again elsewhere.</summary>
    public TimeSpan DownOutInterval { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Copies of each torrent, for collections with no factor of their own.</summary>
    public int ReplicationFactor { get; set; } = 2;

    /// <summary>Torrents this node copies from peers at once.</summary>
    public int MaxConcurrentTransfers { get; set; } = 2;

    /// <summary>Cap on this node's copying from peers in MB/s (10^6 bytes); 0 is unlimited.</summary>
    public double TransferMegabytesPerSecond { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Database);
}
