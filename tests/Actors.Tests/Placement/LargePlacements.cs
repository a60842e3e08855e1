using LibraryCluster.Actors.Placement;

namespace LibraryCluster.Actors.Tests.Placement;

/// <summary>
/// The instance (100 nodes × 12 volumes, 10 zones, 10,000 torrents) and its base placements,
/// computed once for all the property tests and only when a test asks for them.
/// </summary>
public sealed class LargePlacements
{
    private readonly Lazy<Instance> _rf2 = new(() => Instance.Compute(2, new PlacementOptions()));
    private readonly Lazy<Instance> _rf3 = new(() => Instance.Compute(3, new PlacementOptions()));

    /// <summary>RF 2 with the default options, placed from scratch.</summary>
    internal Instance Rf2 => _rf2.Value;

    /// <summary>RF 3 with the default options, placed from scratch.</summary>
    internal Instance Rf3 => _rf3.Value;

    internal Instance Of(int replicationFactor) => replicationFactor == 2 ? Rf2 : Rf3;

    internal sealed record Instance(List<PlacementVolume> Volumes, List<PlacementTorrent> Torrents, PlacementOptions Options, PlacementResult Result)
    {
        public static Instance Compute(int replicationFactor, PlacementOptions options)
        {
            var (volumes, torrents) = PlacementScenario.Large(replicationFactor);
            return new Instance(volumes, torrents, options, ReplicaPlacement.Compute(volumes, torrents, options));
        }

        /// <summary>The placement after the volumes changed, from this one.</summary>
        public PlacementResult With(IReadOnlyList<PlacementVolume> volumes) => ReplicaPlacement.Compute(volumes, Torrents, Result.Targets, Options);
    }
}
