using LibraryCluster.Actors.Replicas;

namespace LibraryCluster.Actors.Operations;

/// <summary>Whether a torrent has the copies it should.</summary>
public enum TorrentHealth
{
    /// <summary>At least its replication factor of Healthy copies on Up nodes.</summary>
    Ok,

    /// <summary>Some Healthy copies, fewer than its replication factor.</summary>
    UnderReplicated,

    /// <summary>No Healthy copy on any Up node: nothing can serve it or heal it until one comes back.</summary>
    Unavailable,

    /// <summary>The holdings policy wants no copy of it (not chosen, and nothing of it held, or released): nothing to heal.</summary>
    NotWanted,
}

/// <summary>A copy of a torrent: where and in what state.</summary>
public sealed record CopyRow(string Node, string Volume, ReplicaState State);

/// <summary>One torrent of the cluster as <c>libcluster torrents list</c> shows it.</summary>
/// <remarks>
/// <para><c>Healthy</c>: Healthy copies on Up nodes (the ones the cluster relies on).</para>
/// <para><c>Targets</c>: The volumes the stored placement puts it on.</para>
/// <para><c>Holding</c>: What the holdings policy makes of it; null when no policy is set.</para>
/// </remarks>
public sealed record TorrentRow(
    string Name,
    string Collection,
    long Size,
    int ReplicationFactor,
    int Healthy,
    TorrentHealth Health,
    IReadOnlyList<string> Targets,
    IReadOnlyList<CopyRow> Copies,
    Holdings.HoldingState? Holding = null);

/// <summary>A copy with all its node recorded.</summary>
/// <remarks>
/// <para><c>Target</c>: Placement wants a copy on this node.</para>
/// <para><c>Counts</c>: It counts toward the replication factor (Healthy on an Up node).</para>
/// </remarks>
public sealed record ReplicaDetail(
    string Node,
    string Volume,
    ReplicaState State,
    string Reason,
    DateTimeOffset Since,
    DateTimeOffset? LastVerified,
    long BytesVerified,
    IReadOnlyList<int> BadFiles,
    bool Target,
    bool Counts);

/// <summary>Why placement put a copy on a volume.</summary>
/// <remarks>
/// <para><c>Rank</c>: The volume's place (1 = first) in the torrent's weighted rendezvous order of the <c>Of</c> eligible volumes.</para>
/// <para><c>Held</c>: A copy is Healthy on this volume's node already.</para>
/// </remarks>
public sealed record TargetReason(string Volume, int Rank, int Of, string Why, bool Held);

/// <summary>One tracker's last answer about the torrent's swarm.</summary>
public sealed record SeederCount(string Tracker, int? Seeders, int? Leechers, int? Completed, DateTimeOffset? ScrapedAt, string? Error);

/// <summary>Everything about one torrent: copies, where placement wants them and why, checks, the swarm.</summary>
/// <remarks>
/// <para><c>LastScrub</c>: The newest full check of any copy.</para>
/// </remarks>
public sealed record TorrentDetail(
    TorrentRow Torrent,
    string InfoHash,
    DateTimeOffset Added,
    IReadOnlyList<ReplicaDetail> Replicas,
    IReadOnlyList<TargetReason> Placement,
    DateTimeOffset? LastScrub,
    IReadOnlyList<SeederCount> Seeders);
