using LibraryCluster.Actors.Placement;

namespace LibraryCluster.Actors.Tests.Placement;

/// <summary>
/// The instance (100 nodes × 12 volumes, 10 zones, 10,000 torrents) and its base placements,
/// computed once for all the property tests and only when a test asks for them.
/// </summary>
public sealed class LargePlacements
{
    private readonly Lazy<Instance> _balanced2 = new(() => Instance.Compute(2, new PlacementOptions()));
    private readonly Lazy<Instance> _balanced3 = new(() => Instance.Compute(3, new PlacementOptions()));
    private readonly Lazy<Instance> _plain2 = new(() => Instance.Compute(2, new PlacementOptions { BalanceLoad = false }));

    /// <summary>RF 2 with the default options (balance bound on).</summary>
    internal Instance Balanced2 => _balanced2.Value;

    /// <summary>RF 3 with the default options (balance bound on).</summary>
    internal Instance Balanced3 => _balanced3.Value;

    /// <summary>RF 2, plain weighted rendezvous (balance bound off).</summary>
    internal Instance Plain2 => _plain2.Value;

    internal sealed record Instance(List<PlacementVolume> Volumes, List<PlacementTorrent> Torrents, PlacementOptions Options, PlacementResult Result)
    {
        public static Instance Compute(int replicationFactor, PlacementOptions options)
        {
            var (volumes, torrents) = PlacementScenario.Large(replicationFactor);
            return new Instance(volumes, torrents, options, ReplicaPlacement.Compute(volumes, torrents, options));
        }

        public PlacementResult With(IReadOnlyList<PlacementVolume> volumes) => ReplicaPlacement.Compute(volumes, Torrents, Options);
    }
}
