namespace LibraryCluster.Actors.Placement;

/// <summary>
/// Where every replica belongs: a pure, deterministic function of the eligible volumes, the torrents, the
/// previous placement and the options, computed identically by every node (no coordinator).
/// </summary>
/// <remarks>
/// <para>
/// <b>Ranking.</b> Each torrent ranks all volumes by weighted rendezvous hashing: for the pair
/// (torrent, volume) a stable 64-bit hash gives u in (0, 1) and the key −ln(u) / capacity; the
/// smallest key is the most preferred volume. A volume is first in a torrent's ranking with
/// probability capacity / total capacity, and adding or removing a volume leaves the relative
/// order of all other volumes unchanged.
/// </para>
/// <para>
/// <b>Memory.</b> Every previous assignment that is still possible is kept: the volume is eligible and the
/// torrent has no other replica on its node (nor more replicas than its replication factor). Only what is
/// missing is placed: torrents largest first, each on the first volumes of its ranking on a new node, with
/// at most ⌈RF / zones⌉ replicas per zone, and within the volume's place limit ((1 + LoadSlack) × the load
/// factor × capacity, never above HighWatermark × capacity − reserved); failing that within the watermark
/// only, then ignoring zones (never nodes). What is still missing is reported in
/// <see cref="PlacementResult.Underplaced"/>.
/// </para>
/// <para>
/// <b>Balancer.</b> Then replicas move, as few bytes as will do: off a volume above (1 + MoveSlack) × the load
/// factor (or the watermark), the smallest replica that is enough, to its torrent's most preferred volume
/// with room; onto a volume below (1 − FillSlack) × the load factor (a new disk), up to its share, taking
/// first replicas whose torrent ranks it before the volume they leave, from the fullest volumes; and a
/// replica crowded into one zone to a zone with room, once there is one. The gap between the place limit and
/// the move limit is hysteresis: the load factor drifts a little with every disk or torrent, and that moves
/// nothing. A replica never moves between two volumes of one node (a node keeps one copy of a torrent).
/// </para>
/// <para>
/// <b>Determinism.</b> Inputs are sorted internally (volumes by id, torrents by size, hash and name; the
/// previous volumes of a torrent by rank), names are hashed with 64-bit FNV-1a, and logarithms use IEEE basic
/// operations only, so the result does not depend on input order, process, runtime or CPU. Placing again
/// from the result with the same inputs gives the same result.
/// </para>
/// </remarks>
public static class ReplicaPlacement
{
    /// <summary>The placement of a cluster with nothing placed yet.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Nothing { get; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Computes the target volumes of every torrent, from scratch.</summary>
    /// <inheritdoc cref="Compute(IReadOnlyList{PlacementVolume}, IReadOnlyList{PlacementTorrent}, IReadOnlyDictionary{string, IReadOnlyList{string}}, PlacementOptions?)"/>
    public static PlacementResult Compute(IReadOnlyList<PlacementVolume> volumes, IReadOnlyList<PlacementTorrent> torrents, PlacementOptions? options = null) =>
        Compute(volumes, torrents, Nothing, options);

    /// <summary>Computes the target volumes of every torrent, keeping what it can of <paramref name="previous"/>.</summary>
    /// <param name="volumes">The eligible volumes (state In, node not Out), in any order; ids must be unique and a node must have one zone.</param>
    /// <param name="torrents">The torrents to place, in any order; names must be unique.</param>
    /// <param name="previous">
    /// The previous placement (torrent name → volume ids, as in <see cref="PlacementResult.Targets"/>); empty for a
    /// fresh cluster. Torrents and volumes it names that are no longer among the inputs are ignored.
    /// </param>
    /// <param name="options">Tuning; <see langword="null"/> for the defaults.</param>
    /// <returns>The targets, the underplaced torrents and the projected bytes per volume.</returns>
    /// <exception cref="ArgumentException">An input is null, duplicated or out of range; the message names it.</exception>
    public static PlacementResult Compute(
        IReadOnlyList<PlacementVolume> volumes,
        IReadOnlyList<PlacementTorrent> torrents,
        IReadOnlyDictionary<string, IReadOnlyList<string>> previous,
        PlacementOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        ArgumentNullException.ThrowIfNull(torrents);
        ArgumentNullException.ThrowIfNull(previous);
        options ??= new PlacementOptions();
        Validate(options);
        var cluster = PlacementCluster.Build(volumes, options);
        var order = PlacementWork.Order(torrents);
        return new PlacementRun(cluster, options, order).Place(previous);
    }

    /// <summary>
    /// A torrent's weighted rendezvous order of <paramref name="volumes"/>, most preferred first: the order placement
    /// walks when it looks for a volume for the torrent (for explaining a placement; placement itself does not call this).
    /// </summary>
    public static IReadOnlyList<string> Ranking(IReadOnlyList<PlacementVolume> volumes, string torrent)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        var cluster = PlacementCluster.Build(volumes, new PlacementOptions());
        var hash = PlacementHash.Of(torrent);
        return Enumerable.Range(0, cluster.Count)
            .Select(i => (Key: cluster.Key(hash, i), Index: i))
            .OrderBy(v => v.Key).ThenBy(v => v.Index)
            .Select(v => cluster.Volumes[v.Index].Id)
            .ToList();
    }

    private static void Validate(PlacementOptions options)
    {
        if (!(options.HighWatermark > 0 && options.HighWatermark <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.HighWatermark, "PlacementOptions.HighWatermark must be in (0, 1].");
        }

        if (!(options.LoadSlack >= 0 && options.LoadSlack <= 10))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.LoadSlack, "PlacementOptions.LoadSlack must be in [0, 10].");
        }

        if (!(options.MoveSlack >= options.LoadSlack && options.MoveSlack <= 10))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MoveSlack, $"PlacementOptions.MoveSlack must be in [LoadSlack ({options.LoadSlack}), 10].");
        }

        if (!(options.FillSlack >= 0 && options.FillSlack <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.FillSlack, "PlacementOptions.FillSlack must be in [0, 1].");
        }
    }
}
