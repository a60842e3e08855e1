namespace LibraryCluster.Actors.Placement;

/// <summary>
/// Tuning of <see cref="ReplicaPlacement.Compute"/>. The defaults suit a cluster of any size; every
/// node must use the same values, or nodes will disagree about where replicas belong.
/// </summary>
public sealed record PlacementOptions
{
    /// <summary>
    /// Placement never fills a volume beyond <c>HighWatermark × CapacityBytes − ReservedBytes</c>;
    /// a replica that would cross it goes to the next volume in its ranking. In (0, 1]; default 0.90.
    /// </summary>
    public double HighWatermark { get; init; } = 0.90;

    /// <summary>
    /// Whether placement evens out the fill of the volumes (default <see langword="true"/>). Off, it is
    /// plain weighted rendezvous with the watermark: adding or removing a volume moves only the replicas
    /// that must move, but with a few dozen replicas per volume the fullest volume holds about twice
    /// the average fill (see docs/placement.md).
    /// </summary>
    public bool BalanceLoad { get; init; } = true;

    /// <summary>
    /// With <see cref="BalanceLoad"/>: a volume takes a replica only while its fill stays within
    /// <c>(1 + LoadSlack)</c> × the cluster's load factor (rounded up, see <see cref="LoadStep"/>).
    /// Smaller is more even but moves more data when volumes or torrents come and go. ≥ 0; default 0.05.
    /// </summary>
    public double LoadSlack { get; init; } = 0.05;

    /// <summary>
    /// With <see cref="BalanceLoad"/>: the load factor (replica bytes ÷ capacity) is rounded up to a
    /// power of <c>1 + LoadStep</c>, so that the bound of every volume stays put while the cluster
    /// changes a little (one volume, a few torrents) and moves in one step when the load factor crosses
    /// a power. The fullest volume is at most <c>(1 + LoadSlack) × (1 + LoadStep)</c> × the load factor.
    /// ≥ 0 (0: no rounding; every change then moves every bound); default 0.04.
    /// </summary>
    public double LoadStep { get; init; } = 0.04;
}
