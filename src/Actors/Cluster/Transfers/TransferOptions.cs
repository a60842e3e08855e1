namespace LibraryCluster.Actors.Cluster.Transfers;

/// <summary>
/// Per-node limits on copying replicas from peers, so that a heal never swamps the disks and network that serve
/// readers (Ceph learned this with its backfill throttles). Healing (a torrent below its replication factor) goes
/// before rebalancing (moving a replica that is fine where it is).
/// </summary>
public sealed record TransferOptions
{
    /// <summary>Torrents fetched at once by this node.</summary>
    public int MaxConcurrent { get; init; } = 2;

    /// <summary>Bytes per second fetched by this node over all transfers; null is unlimited.</summary>
    public long? BytesPerSecond { get; init; }
}
