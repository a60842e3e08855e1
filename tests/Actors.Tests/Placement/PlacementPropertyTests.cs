using LibraryCluster.Actors.Placement;
using Xunit.Abstractions;

namespace LibraryCluster.Actors.Tests.Placement;

/// <summary>
/// The issue's acceptance properties on its own instance: 100 nodes × 12 volumes of 8/12/16 TB in 10
/// zones, 10,000 torrents of median 9 GB with a long tail, RF 2 and 3, placed from scratch and then from the
/// previous placement after each change. Every generated input has a fixed seed.
/// </summary>
public sealed class PlacementPropertyTests(LargePlacements large, ITestOutputHelper output) : IClassFixture<LargePlacements>
{
    [Fact]
    public void Shuffled_Inputs_And_Previous_Placement_Give_The_Same_Placement_On_The_Large_Instance()
    {
        var instance = large.Rf2;
        var volumes = instance.Volumes.Where(v => v.Id != "node-3/c").Append(AddedVolumes()[0]).ToList();
        var expected = ReplicaPlacement.Compute(volumes, instance.Torrents, instance.Result.Targets);

        var previous = PlacementScenario.Shuffled(instance.Result.Targets, 3)
            .ToDictionary(p => p.Key, p => (IReadOnlyList<string>)PlacementScenario.Shuffled(p.Value, p.Key.Length));
        var shuffled = ReplicaPlacement.Compute(PlacementScenario.Shuffled(volumes, 1), PlacementScenario.Shuffled(instance.Torrents, 2), previous);

        PlacementAssert.Same(expected, shuffled);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Placing_Again_From_The_Result_Changes_Nothing(int replicationFactor)
    {
        var instance = large.Of(replicationFactor);

        PlacementAssert.Same(instance.Result, instance.With(instance.Volumes));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_Torrent_Gets_Its_Replicas_On_Distinct_Nodes_In_Distinct_Zones(int replicationFactor)
    {
        var instance = large.Of(replicationFactor);
        var byId = instance.Volumes.ToDictionary(v => v.Id);

        Assert.Empty(instance.Result.Underplaced);
        foreach (var torrent in instance.Torrents)
        {
            var targets = instance.Result.Targets[torrent.Name].Select(id => byId[id]).ToList();
            Assert.Equal(replicationFactor, targets.Count);
            Assert.Equal(replicationFactor, targets.Select(v => v.Node).Distinct().Count());
            Assert.Equal(replicationFactor, targets.Select(v => v.Zone).Distinct().Count());
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void The_Fullest_Volume_Is_At_Most_1_10_Times_The_Mean_Fill(int replicationFactor)
    {
        var instance = large.Of(replicationFactor);

        var spread = PlacementMetrics.FillMaxOverMean(instance.Result, instance.Volumes);

        output.WriteLine($"RF {replicationFactor}: fill max/mean {spread:F3}, fill bound {instance.Result.FillBound:F5}");
        Assert.InRange(spread, 1.0, 1.10);
        Assert.All(instance.Volumes, v => Assert.True(instance.Result.ProjectedBytes[v.Id] <= instance.Result.FillBound * v.CapacityBytes, v.Id));
    }

    [Fact]
    public void Bigger_Volumes_Get_Bytes_In_Proportion_To_Their_Capacity()
    {
        var instance = large.Rf2;

        var fillByCapacity = instance.Volumes
            .GroupBy(v => v.CapacityBytes)
            .ToDictionary(g => g.Key, g => g.Average(v => (double)instance.Result.ProjectedBytes[v.Id] / v.CapacityBytes));

        Assert.Equal(3, fillByCapacity.Count);
        Assert.InRange(fillByCapacity.Values.Max() / fillByCapacity.Values.Min(), 1.0, 1.05);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Adding_A_Volume_Fills_It_Toward_Its_Share_And_Moves_Only_That_At_Most_1_2_Times_Its_Share(int replicationFactor)
    {
        var instance = large.Of(replicationFactor);
        var ratios = new List<double>();
        foreach (var added in AddedVolumes())
        {
            var volumes = instance.Volumes.Append(added).ToList();
            var after = instance.With(volumes);

            var moved = PlacementMetrics.ArrivedBytes(instance.Result, after, instance.Torrents);
            var share = PlacementMetrics.Share(instance.Result, instance.Torrents, volumes, added);

            ratios.Add(moved / share);
            Assert.Equal(after.ProjectedBytes[added.Id], moved);
            Assert.InRange(moved / share, 0.9, 1.2);
            Assert.InRange(PlacementMetrics.FillMaxOverMean(after, volumes), 1.0, 1.10);
            Assert.Empty(after.Underplaced);
        }

        output.WriteLine($"RF {replicationFactor}, moved ÷ the new volume's share: {string.Join(", ", ratios.Select(r => r.ToString("F3")))}");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Removing_A_Volume_Moves_Only_What_It_Held(int replicationFactor)
    {
        var instance = large.Of(replicationFactor);
        foreach (var removed in new[] { instance.Volumes[123], instance.Volumes[987], instance.Volumes[5], instance.Volumes[640] })
        {
            var volumes = instance.Volumes.Where(v => v.Id != removed.Id).ToList();
            var after = instance.With(volumes);

            Assert.Equal(0, PlacementMetrics.LeftBytes(instance.Result, after, instance.Torrents, except: removed.Id));
            Assert.Equal(instance.Result.ProjectedBytes[removed.Id], PlacementMetrics.ArrivedBytes(instance.Result, after, instance.Torrents));
            Assert.InRange(PlacementMetrics.FillMaxOverMean(after, volumes), 1.0, 1.10);
            Assert.Empty(after.Underplaced);
        }
    }

    // Twelve changes, each placed from the placement before it. A removal may move a little more than the removed
    // volume held: when one of its torrents is bigger than the room any volume has below its move limit, it goes
    // where it overshoots least and the balancer moves replicas off that volume to keep the fill bound
    // (bench/Placement: 0.24 × what the volume held at most over 40 changes). That tolerance is explicit here.
    [Fact]
    public void Over_A_History_Of_Changes_The_Fill_Stays_Within_1_10_And_Little_More_Than_Needed_Moves()
    {
        var instance = large.Rf2;
        var volumes = instance.Volumes;
        var torrents = instance.Torrents;
        var current = instance.Result;
        var random = new Random(29);
        var extra = PlacementScenario.Torrents(600, 2, seed: 31).Select((t, i) => t with { Name = $"fiction/f_{i * 1000:D7}.torrent" }).ToList();
        for (var step = 0; step < 12; step++)
        {
            PlacementResult next;
            if (step % 3 == 0)
            {
                var added = new PlacementVolume($"node-{step}/n{step}", $"node-{step}", $"zone-{step % 10}", (8 + (4 * (step % 3))) * PlacementScenario.TB);
                volumes = [.. volumes, added];
                next = ReplicaPlacement.Compute(volumes, torrents, current.Targets);
                var share = PlacementMetrics.Share(current, torrents, volumes, added);
                Assert.InRange(PlacementMetrics.ArrivedBytes(current, next, torrents) / share, 0.9, 1.2);
            }
            else if (step % 3 == 1)
            {
                var removed = volumes[random.Next(volumes.Count)];
                volumes = [.. volumes.Where(v => v != removed)];
                next = ReplicaPlacement.Compute(volumes, torrents, current.Targets);
                Assert.InRange(PlacementMetrics.LeftBytes(current, next, torrents, except: removed.Id), 0, 0.5 * current.ProjectedBytes[removed.Id]);
            }
            else
            {
                var fresh = extra.GetRange(step * 40, 100);
                var grown = torrents.Concat(fresh).ToList();
                next = ReplicaPlacement.Compute(volumes, grown, current.Targets);
                Assert.InRange(PlacementMetrics.LeftBytes(current, next, torrents), 0, 0.5 * PlacementMetrics.ReplicaBytes(next, fresh));
                torrents = grown;
            }

            Assert.InRange(PlacementMetrics.FillMaxOverMean(next, volumes), 1.0, 1.10);
            Assert.Empty(next.Underplaced);
            current = next;
        }
    }

    // A 12 TB disk on an existing node, an 8 TB disk on a new node in zone 3, a 16 TB disk on an existing node.
    private static PlacementVolume[] AddedVolumes() =>
    [
        new("node-17/m", "node-17", "zone-7", 12 * PlacementScenario.TB),
        new("node-100/a", "node-100", "zone-3", 8 * PlacementScenario.TB),
        new("node-42/m", "node-42", "zone-2", 16 * PlacementScenario.TB),
    ];
}
