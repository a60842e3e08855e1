namespace LibraryCluster.Actors.Placement;

/// <summary>The outcome of <see cref="ReplicaPlacement.Compute"/>.</summary>
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
    /// The fill (bytes ÷ capacity) that the balance bound allowed a volume before the watermark: (1 + LoadSlack)
    /// × the rounded load factor; <see langword="null"/> when <see cref="PlacementOptions.BalanceLoad"/> is off
    /// or nothing was placed. A change of this value between two placements means the load factor crossed a
    /// step, which moves more data than usual.
    /// </summary>
    public double? FillBound { get; init; }
}
