namespace LibraryCluster.Actors.Placement;

/// <summary>The outcome of <see cref="ReplicaPlacement"/>.Compute.</summary>
public sealed record PlacementResult
{
    /// <summary>
    /// Torrent name → target volume ids, most preferred first. The list has ReplicationFactor
    /// entries when possible; an underplaced torrent has a shorter list, and a torrent with no
    /// target at all has no key.
    /// </summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> Targets { get; init; }

    /// <summary>Names of the torrents that got fewer targets than their replication factor, in name order.</summary>
    public required IReadOnlyList<string> Underplaced { get; init; }

    /// <summary>The same torrents as <see cref="Underplaced"/>, with what they got and why.</summary>
    public required IReadOnlyList<PlacementShortfall> Shortfalls { get; init; }

    /// <summary>Volume id → bytes placement puts on it (not counting its reserved bytes); every input volume has an entry.</summary>
    public required IReadOnlyDictionary<string, long> ProjectedBytes { get; init; }

    /// <summary>
    /// The highest fill (bytes ÷ capacity) the balancer leaves on a volume: (1 + MoveSlack) × the load factor (the
    /// watermark may be lower); <see langword="null"/> when nothing is to be placed. A volume is fuller only when
    /// none of its replicas had anywhere to go.
    /// </summary>
    public double? FillBound { get; init; }
}
