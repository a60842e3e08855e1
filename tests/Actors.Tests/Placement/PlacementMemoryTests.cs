using LibraryCluster.Actors.Placement;

namespace LibraryCluster.Actors.Tests.Placement;

/// <summary>Placement from a previous placement: what it keeps, what it places again and what the balancer moves.</summary>
public sealed class PlacementMemoryTests
{
    private const long GB = PlacementScenario.GB;
    private const long TB = PlacementScenario.TB;

    private static readonly List<PlacementVolume> Volumes = PlacementScenario.Cluster(20, 3, 4, seed: 7);
    private static readonly List<PlacementTorrent> Torrents = PlacementScenario.Torrents(600, 2, seed: 8);

    [Fact]
    public void A_Valid_Previous_Assignment_Is_Kept_Even_Where_Rendezvous_Would_Not_Put_It()
    {
        var fresh = ReplicaPlacement.Compute(Volumes, Torrents);
        var (torrent, from, to) = SomeValidMove(fresh);
        var previous = With(fresh.Targets, torrent, fresh.Targets[torrent].Select(v => v == from ? to : v).ToList());

        var result = ReplicaPlacement.Compute(Volumes, Torrents, previous);

        Assert.Equal(previous[torrent].Order(), result.Targets[torrent].Order());
        Assert.All(Torrents, t => Assert.Equal(previous[t.Name].Order(), result.Targets[t.Name].Order()));
    }

    [Fact]
    public void A_Torrent_Added_Is_Placed_And_Nothing_Else_Moves()
    {
        var fresh = ReplicaPlacement.Compute(Volumes, Torrents);

        var result = ReplicaPlacement.Compute(Volumes, [.. Torrents, new PlacementTorrent("new", 7 * GB, 2)], fresh.Targets);

        Assert.Equal(2, result.Targets["new"].Count);
        Assert.Equal(0, PlacementMetrics.LeftBytes(fresh, result, Torrents));
    }

    [Fact]
    public void Two_Previous_Replicas_On_One_Node_Or_More_Than_The_Factor_Keep_The_Most_Preferred_And_Place_The_Rest_Elsewhere()
    {
        var fresh = ReplicaPlacement.Compute(Volumes, Torrents);
        var torrent = Torrents[0].Name;
        var first = fresh.Targets[torrent][0];
        var node = first[..first.IndexOf('/', StringComparison.Ordinal)];
        var sameNode = Volumes.First(v => v.Node == node && v.Id != first).Id;
        var spares = Volumes.Where(v => !fresh.Targets[torrent].Contains(v.Id)).Select(v => v.Id).Take(3).ToList();

        var twoOnOneNode = ReplicaPlacement.Compute(Volumes, Torrents, With(fresh.Targets, torrent, [first, sameNode]));
        var tooMany = ReplicaPlacement.Compute(Volumes, Torrents, With(fresh.Targets, torrent, [.. fresh.Targets[torrent], .. spares]));

        var targets = twoOnOneNode.Targets[torrent];
        Assert.Equal(2, targets.Select(v => v[..v.IndexOf('/', StringComparison.Ordinal)]).Distinct().Count());
        Assert.Single(targets, v => v == first || v == sameNode);
        Assert.Equal(2, tooMany.Targets[torrent].Count);
        Assert.Subset(fresh.Targets[torrent].Concat(spares).ToHashSet(), tooMany.Targets[torrent].ToHashSet());
    }

    [Fact]
    public void Torrents_And_Volumes_The_Previous_Placement_Names_That_Are_Gone_Are_Ignored()
    {
        var fresh = ReplicaPlacement.Compute(Volumes, Torrents);
        var previous = new Dictionary<string, IReadOnlyList<string>>(fresh.Targets)
        {
            ["gone-torrent"] = [Volumes[0].Id],
            [Torrents[1].Name] = [fresh.Targets[Torrents[1].Name][0], "gone-node/x", "", Volumes[0].Id + "?"],
        };

        var result = ReplicaPlacement.Compute(Volumes, Torrents, previous);

        Assert.False(result.Targets.ContainsKey("gone-torrent"));
        Assert.Equal(2, result.Targets[Torrents[1].Name].Count);
        Assert.Contains(fresh.Targets[Torrents[1].Name][0], result.Targets[Torrents[1].Name]);
        Assert.Empty(result.Underplaced);
    }

    [Fact]
    public void A_New_Volume_Is_Filled_Toward_Its_Share_From_Volumes_Above_Their_Share()
    {
        var fresh = ReplicaPlacement.Compute(Volumes, Torrents);
        var added = new PlacementVolume("node-3/z", "node-3", "zone-3", 12 * TB);
        var volumes = Volumes.Append(added).ToList();

        var result = ReplicaPlacement.Compute(volumes, Torrents, fresh.Targets);

        var share = PlacementMetrics.Share(fresh, Torrents, volumes, added);
        Assert.InRange(result.ProjectedBytes[added.Id] / share, 0.9, 1.2);
        Assert.Equal(result.ProjectedBytes[added.Id], PlacementMetrics.ArrivedBytes(fresh, result, Torrents));
        var loadFactor = PlacementMetrics.ReplicaBytes(fresh, Torrents) / volumes.Sum(v => (double)v.CapacityBytes);
        Assert.All(Volumes.Where(v => result.ProjectedBytes[v.Id] < fresh.ProjectedBytes[v.Id]), v =>
            Assert.True(result.ProjectedBytes[v.Id] >= loadFactor * v.CapacityBytes - 1, $"{v.Id} gave replicas away and fell below its share"));
        Assert.DoesNotContain(Torrents, t => result.Targets[t.Name].Count(v => v.StartsWith("node-3/", StringComparison.Ordinal)) > 1);
    }

    [Fact]
    public void A_Volume_Over_Its_Watermark_Gives_Replicas_Away_Until_It_Is_Under()
    {
        var fresh = ReplicaPlacement.Compute(Volumes, Torrents);
        var full = Volumes[4];
        var reserved = (long)(0.9 * full.CapacityBytes) - (fresh.ProjectedBytes[full.Id] / 2);
        var volumes = Volumes.Select(v => v == full ? v with { ReservedBytes = reserved } : v).ToList();

        var result = ReplicaPlacement.Compute(volumes, Torrents, fresh.Targets);

        Assert.InRange(result.ProjectedBytes[full.Id], 1, (long)(0.9 * full.CapacityBytes) - reserved);
        Assert.Equal(PlacementMetrics.ArrivedBytes(fresh, result, Torrents), PlacementMetrics.LeftBytes(fresh, result, Torrents));
        Assert.Equal(fresh.ProjectedBytes[full.Id] - result.ProjectedBytes[full.Id], PlacementMetrics.ArrivedBytes(fresh, result, Torrents));
        Assert.Empty(result.Underplaced);
    }

    [Fact]
    public void Replicas_Crowded_Into_One_Zone_Move_To_Another_Zone_With_Room()
    {
        var fresh = ReplicaPlacement.Compute(Volumes, Torrents);
        var torrent = Torrents[2].Name;
        var first = Volumes.Single(v => v.Id == fresh.Targets[torrent][0]);
        var crowded = Volumes.First(v => v.Zone == first.Zone && v.Node != first.Node);

        var result = ReplicaPlacement.Compute(Volumes, Torrents, With(fresh.Targets, torrent, [first.Id, crowded.Id]));

        var zones = result.Targets[torrent].Select(id => Volumes.Single(v => v.Id == id).Zone).ToList();
        Assert.Equal(2, zones.Distinct().Count());
        Assert.Contains(first.Id, result.Targets[torrent]);
    }

    [Fact]
    public void Placing_Again_From_The_Result_Changes_Nothing_Even_With_Shortfalls()
    {
        // Too little room for everything: some torrents are underplaced, some volumes are at their watermark.
        var volumes = PlacementScenario.Cluster(6, 2, 3, seed: 3).Select(v => v with { CapacityBytes = v.CapacityBytes / 40 }).ToList();
        var torrents = PlacementScenario.Torrents(500, 2, seed: 4).Select((t, i) => t with { ReplicationFactor = 1 + (i % 3) }).ToList();
        var first = ReplicaPlacement.Compute(volumes, torrents);

        var second = ReplicaPlacement.Compute(volumes, torrents, first.Targets);

        Assert.NotEmpty(first.Underplaced);
        PlacementAssert.Same(first, second);
    }

    // A torrent, one of its volumes and a volume of another node and zone with room it could move to.
    private static (string Torrent, string From, string To) SomeValidMove(PlacementResult placement)
    {
        var byId = Volumes.ToDictionary(v => v.Id);
        var torrent = Torrents.First(t => t.SizeBytes < 2 * GB);
        var targets = placement.Targets[torrent.Name];
        var to = Volumes.First(v =>
            !targets.Contains(v.Id)
            && targets.All(id => byId[id].Zone != v.Zone)
            && placement.ProjectedBytes[v.Id] + torrent.SizeBytes <= placement.FillBound!.Value / 1.08 * 1.05 * v.CapacityBytes);
        return (torrent.Name, targets[^1], to.Id);
    }

    private static Dictionary<string, IReadOnlyList<string>> With(IReadOnlyDictionary<string, IReadOnlyList<string>> targets, string torrent, IReadOnlyList<string> volumes) =>
        new(targets) { [torrent] = volumes };
}
