namespace LibraryCluster.Actors.Placement;

/// <summary>
/// The eligible volumes in a canonical order (by id, ordinal) with their hashes, weights, nodes and
/// zones as small integers, so that placement compares numbers, never strings, in its inner loop.
/// </summary>
internal sealed class PlacementCluster
{
    private PlacementCluster(PlacementVolume[] volumes, int nodeCount, int[] node, int[] zone, int zoneCount)
    {
        Volumes = volumes;
        NodeCount = nodeCount;
        Node = node;
        Zone = zone;
        ZoneCount = zoneCount;
        Hash = new ulong[volumes.Length];
        InverseWeight = new double[volumes.Length];
        HardLimit = new long[volumes.Length];
        for (var i = 0; i < volumes.Length; i++)
        {
            Hash[i] = PlacementHash.Of(volumes[i].Id);
            InverseWeight[i] = 1.0 / volumes[i].CapacityBytes;
        }
    }

    /// <summary>The volumes sorted by id.</summary>
    public PlacementVolume[] Volumes { get; }

    /// <summary>The number of volumes.</summary>
    public int Count => Volumes.Length;

    /// <summary>The number of distinct nodes.</summary>
    public int NodeCount { get; }

    /// <summary>The number of distinct zones.</summary>
    public int ZoneCount { get; }

    /// <summary>Per volume: its node as an index in [0, NodeCount).</summary>
    public int[] Node { get; }

    /// <summary>Per volume: its zone as an index in [0, ZoneCount).</summary>
    public int[] Zone { get; }

    /// <summary>Per volume: the stable hash of its id.</summary>
    public ulong[] Hash { get; }

    /// <summary>Per volume: 1 / capacity, the divisor of the rendezvous key.</summary>
    public double[] InverseWeight { get; }

    /// <summary>Per volume: the most bytes placement may put on it (high watermark × capacity − reserved, at least 0).</summary>
    public long[] HardLimit { get; }

    /// <summary>The sum of the capacities.</summary>
    public double TotalCapacity { get; private init; }

    /// <summary>Volume id → index in <see cref="Volumes"/>.</summary>
    public Dictionary<string, int> IndexById { get; } = new(StringComparer.Ordinal);

    /// <summary>The weighted rendezvous key of (torrent, volume): the smaller, the more the torrent prefers the volume.</summary>
    public double Key(ulong torrentHash, int volume) =>
        PlacementHash.Key(PlacementHash.Draw(PlacementHash.Pair(torrentHash, Hash[volume])), InverseWeight[volume]);

    public static PlacementCluster Build(IReadOnlyList<PlacementVolume> volumes, PlacementOptions options)
    {
        var sorted = new PlacementVolume[volumes.Count];
        for (var i = 0; i < sorted.Length; i++)
        {
            var volume = volumes[i] ?? throw new ArgumentException($"volumes[{i}] is null.", nameof(volumes));
            if (string.IsNullOrEmpty(volume.Id) || volume.Node is null || volume.Zone is null)
            {
                throw new ArgumentException($"volumes[{i}] ('{volume.Id}'): Id must be non-empty and Node and Zone non-null.", nameof(volumes));
            }

            if (volume.CapacityBytes <= 0 || volume.ReservedBytes < 0)
            {
                throw new ArgumentException($"volume '{volume.Id}': CapacityBytes must be > 0 (is {volume.CapacityBytes}) and ReservedBytes ≥ 0 (is {volume.ReservedBytes}).", nameof(volumes));
            }

            sorted[i] = volume;
        }

        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Id, b.Id));
        var nodes = new Dictionary<string, int>(StringComparer.Ordinal);
        var zones = new Dictionary<string, int>(StringComparer.Ordinal);
        var nodeZone = new Dictionary<string, string>(StringComparer.Ordinal);
        var node = new int[sorted.Length];
        var zone = new int[sorted.Length];
        var total = 0.0;
        for (var i = 0; i < sorted.Length; i++)
        {
            var volume = sorted[i];
            if (i > 0 && string.Equals(sorted[i - 1].Id, volume.Id, StringComparison.Ordinal))
            {
                throw new ArgumentException($"volume id '{volume.Id}' appears more than once.", nameof(volumes));
            }

            if (nodeZone.TryGetValue(volume.Node, out var knownZone) && !string.Equals(knownZone, volume.Zone, StringComparison.Ordinal))
            {
                throw new ArgumentException($"node '{volume.Node}' is in zone '{knownZone}' and in zone '{volume.Zone}' (volume '{volume.Id}'); a node has one zone.", nameof(volumes));
            }

            nodeZone[volume.Node] = volume.Zone;
            node[i] = IndexOf(nodes, volume.Node);
            zone[i] = IndexOf(zones, volume.Zone);
            total += volume.CapacityBytes;
        }

        var cluster = new PlacementCluster(sorted, nodes.Count, node, zone, zones.Count) { TotalCapacity = total };
        for (var i = 0; i < sorted.Length; i++)
        {
            var volume = sorted[i];
            cluster.IndexById.Add(volume.Id, i);
            cluster.HardLimit[i] = Math.Max(0, (long)Math.Floor(options.HighWatermark * volume.CapacityBytes) - volume.ReservedBytes);
        }

        return cluster;
    }

    // Indices are given in order of first appearance over the sorted volumes, so they do not depend on input order.
    private static int IndexOf(Dictionary<string, int> indices, string key)
    {
        if (!indices.TryGetValue(key, out var index))
        {
            index = indices.Count;
            indices.Add(key, index);
        }

        return index;
    }
}
