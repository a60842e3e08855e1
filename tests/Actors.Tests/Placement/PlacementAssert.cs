using LibraryCluster.Actors.Placement;

namespace LibraryCluster.Actors.Tests.Placement;

internal static class PlacementAssert
{
    /// <summary>Asserts two placements are identical: targets in the same order, projected bytes, underplaced torrents.</summary>
    public static void Same(PlacementResult expected, PlacementResult actual)
    {
        Assert.Equal(expected.Targets.Keys.Order(StringComparer.Ordinal), actual.Targets.Keys.Order(StringComparer.Ordinal));
        foreach (var (torrent, targets) in expected.Targets)
        {
            Assert.Equal(targets, actual.Targets[torrent]);
        }

        Assert.Equal(expected.ProjectedBytes.OrderBy(p => p.Key, StringComparer.Ordinal), actual.ProjectedBytes.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(expected.Shortfalls, actual.Shortfalls);
        Assert.Equal(expected.FillBound, actual.FillBound);
    }
}
