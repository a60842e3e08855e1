using LibraryCluster.Actors.Placement;

namespace LibraryCluster.Actors.Tests.Placement;

/// <summary>Generated clusters and collections with fixed seeds, shaped like a real mirror.</summary>
internal static class PlacementScenario
{
    public const long GB = 1L << 30;
    public const long TB = 1L << 40;

    private static readonly long[] Capacities = [8 * TB, 12 * TB, 16 * TB];

    /// <summary>
    /// nodes × volumesPerNode volumes of 8, 12 or 16 TB (drawn per volume), named <c>node-N/x</c>;
    /// node N is in zone N mod zones.
    /// </summary>
    public static List<PlacementVolume> Cluster(int nodes, int volumesPerNode, int zones, int seed)
    {
        var random = new Random(seed);
        var volumes = new List<PlacementVolume>(nodes * volumesPerNode);
        for (var n = 0; n < nodes; n++)
        {
            for (var v = 0; v < volumesPerNode; v++)
            {
                volumes.Add(new PlacementVolume($"node-{n}/{(char)('a' + v)}", $"node-{n}", $"zone-{n % zones}", Capacities[random.Next(Capacities.Length)]));
            }
        }

        return volumes;
    }

    /// <summary>
    /// Torrents of log-normal size: median 9 GB, σ = 0.7 (a quarter under 5.6 GB, a quarter over
    /// 14 GB, one in a thousand over 77 GB), clamped to [50 MB, 120 GB].
    /// </summary>
    public static List<PlacementTorrent> Torrents(int count, int replicationFactor, int seed)
    {
        var random = new Random(seed);
        var torrents = new List<PlacementTorrent>(count);
        for (var t = 0; t < count; t++)
        {
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            var size = Math.Clamp((long)(9 * GB * Math.Exp(0.7 * normal)), GB / 20, 120 * GB);
            torrents.Add(new PlacementTorrent($"scitech/r_{t * 1000:D7}.torrent", size, replicationFactor));
        }

        return torrents;
    }

    /// <summary>The instance: 100 nodes × 12 volumes in 10 zones, 10,000 torrents.</summary>
    public static (List<PlacementVolume> Volumes, List<PlacementTorrent> Torrents) Large(int replicationFactor) =>
        (Cluster(100, 12, 10, seed: 42), Torrents(10_000, replicationFactor, seed: 5));

    /// <summary>A copy of the list in a seeded random order.</summary>
    public static List<T> Shuffled<T>(IEnumerable<T> items, int seed)
    {
        var copy = items.ToList();
        new Random(seed).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(copy));
        return copy;
    }
}
