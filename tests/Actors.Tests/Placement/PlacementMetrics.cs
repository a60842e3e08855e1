using LibraryCluster.Actors.Placement;

namespace LibraryCluster.Actors.Tests.Placement;

/// <summary>The figures the issue states its acceptance in: fill spread and moved bytes.</summary>
internal static class PlacementMetrics
{
    /// <summary>Fill = projected bytes ÷ capacity; returns the largest fill over the mean fill.</summary>
    public static double FillMaxOverMean(PlacementResult result, IEnumerable<PlacementVolume> volumes)
    {
        var fills = volumes.Select(v => (double)result.ProjectedBytes[v.Id] / v.CapacityBytes).ToList();
        return fills.Max() / fills.Average();
    }

    /// <summary>Bytes of all replicas placed in <paramref name="result"/>.</summary>
    public static double ReplicaBytes(PlacementResult result, IEnumerable<PlacementTorrent> torrents) =>
        torrents.Sum(t => (double)t.SizeBytes * (result.Targets.GetValueOrDefault(t.Name)?.Count ?? 0));

    /// <summary>Bytes of the replicas that <paramref name="after"/> puts on a volume it did not have in <paramref name="before"/>.</summary>
    public static double ArrivedBytes(PlacementResult before, PlacementResult after, IEnumerable<PlacementTorrent> torrents) =>
        torrents.Sum(t =>
        {
            var old = before.Targets.GetValueOrDefault(t.Name) ?? [];
            return (double)t.SizeBytes * (after.Targets.GetValueOrDefault(t.Name) ?? []).Count(v => !old.Contains(v));
        });

    /// <summary>Bytes of the replicas on volumes other than <paramref name="except"/> that <paramref name="after"/> no longer wants there.</summary>
    public static double LeftBytes(PlacementResult before, PlacementResult after, IEnumerable<PlacementTorrent> torrents, string? except = null) =>
        torrents.Sum(t =>
        {
            var now = after.Targets.GetValueOrDefault(t.Name) ?? [];
            return (double)t.SizeBytes * (before.Targets.GetValueOrDefault(t.Name) ?? []).Count(v => v != except && !now.Contains(v));
        });

    /// <summary>A volume's ideal share of all replica bytes placed in <paramref name="result"/>: its capacity ÷ the total capacity of <paramref name="volumes"/> (with it).</summary>
    public static double Share(PlacementResult result, IEnumerable<PlacementTorrent> torrents, IEnumerable<PlacementVolume> volumes, PlacementVolume volume) =>
        ReplicaBytes(result, torrents) * volume.CapacityBytes / volumes.Sum(v => (double)v.CapacityBytes);
}
