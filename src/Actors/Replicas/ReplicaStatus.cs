namespace LibraryCluster.Actors.Replicas;

/// <summary>Where a torrent's copy on one volume stands (the lifecycle in docs/node.md).</summary>
public enum ReplicaState
{
    /// <summary>No data on the volume yet; waiting for a source.</summary>
    Absent,
    Fetching,
    Verifying,
    Healthy,
    Scrubbing,
    Damaged,

    /// <summary>
    /// Only some files are here, each verified, and nothing here failed its check: the rest was never fetched
    /// (an on-demand fetch of one book). The files present are served; the torrent is not counted as held.
    /// </summary>
    Partial,
    Repairing,
    Retiring,

    /// <summary>The volume failed; the copy cannot be trusted or reached.</summary>
    Lost,
}

/// <summary>A snapshot of one replica, published on every change for readers that must not wait on the actor.</summary>
public sealed record ReplicaStatus
{
    public required string Torrent { get; init; }

    public required string Volume { get; init; }

    public required ReplicaState State { get; init; }

    public required string Reason { get; init; }

    public required DateTimeOffset Since { get; init; }

    /// <summary>Bytes read and hashed by the last finished verification or scrub.</summary>
    public long BytesVerified { get; init; }

    public DateTimeOffset? LastVerified { get; init; }

    /// <summary>Files that did not verify complete the last time (indexes in the torrent); never served.</summary>
    public IReadOnlySet<int> BadFiles { get; init; } = new HashSet<int>();

    /// <summary>The share of a running verification or scrub that is done, 0 to 1.</summary>
    public double? Progress { get; init; }

    /// <summary>
    /// The volume of this node a Healthy copy is being copied to (its own volume is being drained), or null. The
    /// copy here stays Healthy and served until the new one has verified; <see cref="Progress"/> says how far.
    /// </summary>
    public string? MovingTo { get; init; }

    /// <summary>
    /// A file is served only from data the last verification found complete: a Healthy replica (or one being
    /// scrubbed, which was Healthy), or the intact files of a Damaged or Partial one.
    /// </summary>
    public bool CanServe(int fileIndex) =>
        State is ReplicaState.Healthy or ReplicaState.Scrubbing or ReplicaState.Damaged or ReplicaState.Partial
        && LastVerified is not null
        && !BadFiles.Contains(fileIndex);

    /// <summary>Whether the whole torrent is here and intact ("held" in search results).</summary>
    public bool IsHeld => State is ReplicaState.Healthy or ReplicaState.Scrubbing;
}

/// <summary>One line of a node's journal: a replica's or a volume's transition.</summary>
public sealed record JournalEntry(long Sequence, DateTimeOffset At, string Node, string? Torrent, string Volume, string From, string To, string Reason, long Bytes);
