using LibraryCluster.Actors.Replicas;

namespace LibraryCluster.Actors.Node;

/// <summary>
/// Durable state of one node: the last known status of each replica and an append-only journal of every
/// transition (<see cref="Cluster.Store.SqlNodeStore"/>: SQLite on a single node, the shared PostgreSQL database in a cluster).
/// </summary>
public interface INodeStore
{
    IReadOnlyList<ReplicaStatus> LoadReplicas();

    /// <summary>Saves a replica's new status and journals the transition, in one transaction.</summary>
    void RecordTransition(ReplicaStatus status, ReplicaState from, long bytes);

    /// <summary>Removes a retired replica's record and journals that it is gone, in one transaction.</summary>
    void Forget(string torrent, string volume, ReplicaState from, string reason, DateTimeOffset at);

    /// <summary>Journals an event that is not a replica's (a volume failing).</summary>
    void Journal(string? torrent, string volume, string from, string to, string reason, long bytes, DateTimeOffset at);

    /// <summary>The newest entries first, optionally for one torrent.</summary>
    IReadOnlyList<JournalEntry> RecentJournal(int limit, string? torrent = null);

    /// <summary>Checks the store answers (readiness).</summary>
    void Ping();
}
