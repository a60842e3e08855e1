namespace LibraryCluster.Actors.Placement;

/// <summary>
/// Tuning of <see cref="ReplicaPlacement"/>. Fills are relative to the cluster's <i>load factor</i>
/// (all replica bytes ÷ all capacity). The defaults suit a cluster of any size; every node must use the same
/// values, or nodes will disagree about where replicas belong.
/// </summary>
public sealed record PlacementOptions
{
    /// <summary>
    /// Placement never fills a volume beyond <c>HighWatermark × CapacityBytes − ReservedBytes</c>;
    /// a replica that would cross it goes to the next volume in its ranking. In (0, 1]; default 0.90.
    /// </summary>
    public double HighWatermark { get; init; } = 0.90;

    /// <summary>
    /// A replica is put on a volume (placed, or moved there by the balancer) only while the volume's fill stays
    /// within <c>(1 + LoadSlack)</c> × the load factor. ≥ 0; default 0.05.
    /// </summary>
    public double LoadSlack { get; init; } = 0.05;

    /// <summary>
    /// The balancer moves replicas off a volume only when its fill is above <c>(1 + MoveSlack)</c> × the load
    /// factor: the fullest volume is at most that full. The gap above <see cref="LoadSlack"/> is the hysteresis
    /// that lets the load factor drift (a disk or a few torrents more) without moving anything. ≥ LoadSlack;
    /// default 0.08.
    /// </summary>
    public double MoveSlack { get; init; } = 0.08;

    /// <summary>
    /// The balancer fills a volume whose fill is below <c>(1 − FillSlack)</c> × the load factor (a new disk)
    /// up to its share (the load factor × its capacity), taking replicas from volumes above their share, the
    /// fullest first. In [0, 1]; default 0.50 (few volumes are that low after a fresh placement, so the load
    /// factor's drift does not set off fills).
    /// </summary>
    public double FillSlack { get; init; } = 0.50;
}
