namespace LibraryCluster.Actors.Placement;

/// <summary>
/// Where every replica belongs: a pure, deterministic function of the eligible volumes, the torrents
/// and the options, computed identically by every node (no coordinator).
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
/// <b>Choice.</b> Torrents are placed one at a time, largest first (ties by name hash, then name), and
/// each takes the first volumes in its ranking that (1) are on a node that has no replica of it yet,
/// (2) keep the replicas spread over zones — at most ⌈RF / zones⌉ per zone, so on distinct zones when
/// there are at least RF zones — and (3) stay within their bound. A volume's bound is the high
/// watermark (HighWatermark × capacity − reserved) and, with <see cref="PlacementOptions.BalanceLoad"/>,
/// (1 + LoadSlack) × capacity × the cluster's load factor (replica bytes ÷ capacity, rounded up to a
/// power of 1 + LoadStep). A torrent that finds too few volumes tries again ignoring the balance bound
/// (never the watermark), then ignoring zones (never nodes); what is still missing is reported in
/// <see cref="PlacementResult.Underplaced"/>.
/// </para>
/// <para>
/// <b>Why this shape.</b> Plain weighted rendezvous moves only what must move, but with a few dozen
/// replicas per volume of very unequal sizes it leaves the fullest volume near twice the mean fill.
/// The balance bound evens the fill out (the fullest volume is at most (1 + LoadSlack)(1 + LoadStep) ×
/// the load factor). Largest first lets big torrents take their preferred volumes while every volume
/// is empty and leaves the bound to be met with small torrents, so the fill comes out even and what
/// the bound moves around is mostly small. The rounding keeps every bound still while the load factor
/// stays within one step, because a bound that shifts on every volume at once, even by 1/N, sets off
/// a cascade of moves across the cluster. The price of the bound: replicas that a volume turned away
/// land on their next volumes, so adding or removing a volume also moves some replicas between other
/// volumes, and when the load factor crosses a step a few percent of all bytes move at once. The
/// measured figures are in docs/placement.md and docs/benchmarks.md.
/// </para>
/// <para>
/// <b>Determinism.</b> Inputs are sorted internally (volumes by id, torrents by size, hash and
/// name), names are hashed with 64-bit FNV-1a, and logarithms and powers use IEEE basic operations
/// only, so the result does not depend on input order, process, runtime or CPU.
/// </para>
/// </remarks>
public static class ReplicaPlacement
{
    /// <summary>Computes the target volumes of every torrent.</summary>
    /// <param name="volumes">The eligible volumes (state In, node not Out), in any order; ids must be unique and a node must have one zone.</param>
    /// <param name="torrents">The torrents to place, in any order; names must be unique.</param>
    /// <param name="options">Tuning; <see langword="null"/> for the defaults.</param>
    /// <returns>The targets, the underplaced torrents and the projected bytes per volume.</returns>
    /// <exception cref="ArgumentException">An input is null, duplicated or out of range; the message names it.</exception>
    public static PlacementResult Compute(IReadOnlyList<PlacementVolume> volumes, IReadOnlyList<PlacementTorrent> torrents, PlacementOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(volumes);
        ArgumentNullException.ThrowIfNull(torrents);
        options ??= new PlacementOptions();
        Validate(options);
        var cluster = PlacementCluster.Build(volumes, options);
        var order = PlacementWork.Order(torrents);
        return new PlacementRun(cluster, options).Place(order);
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

        if (!(options.LoadStep == 0 || (options.LoadStep >= 0.001 && options.LoadStep <= 1)))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.LoadStep, "PlacementOptions.LoadStep must be 0 or in [0.001, 1].");
        }
    }
}
