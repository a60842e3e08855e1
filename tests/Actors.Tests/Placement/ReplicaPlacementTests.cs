using LibraryCluster.Actors.Placement;

namespace LibraryCluster.Actors.Tests.Placement;

public sealed class ReplicaPlacementTests
{
    private const long GB = PlacementScenario.GB;
    private const long TB = PlacementScenario.TB;

    [Fact]
    public void Shuffled_Inputs_Give_The_Same_Placement()
    {
        var volumes = PlacementScenario.Cluster(30, 4, 5, seed: 1);
        var torrents = PlacementScenario.Torrents(2000, 2, seed: 2).Select((t, i) => t with { ReplicationFactor = 1 + (i % 3) }).ToList();
        var expected = ReplicaPlacement.Compute(volumes, torrents);

        for (var seed = 0; seed < 3; seed++)
        {
            PlacementAssert.Same(expected, ReplicaPlacement.Compute(PlacementScenario.Shuffled(volumes, seed), PlacementScenario.Shuffled(torrents, seed + 10)));
        }
    }

    [Fact]
    public void Equal_Inputs_Built_Separately_Give_The_Same_Placement()
    {
        var first = ReplicaPlacement.Compute(PlacementScenario.Cluster(10, 3, 3, seed: 4), PlacementScenario.Torrents(300, 2, seed: 5));
        var second = ReplicaPlacement.Compute(PlacementScenario.Cluster(10, 3, 3, seed: 4), PlacementScenario.Torrents(300, 2, seed: 5));

        PlacementAssert.Same(first, second);
    }

    // The placement is part of the cluster's contract: nodes running different builds must agree. These
    // values were computed once; if they change, nodes of the old and the new build disagree during an upgrade
    // (a cluster keeps its stored placement, so what is already placed stays put).
    [Fact]
    public void The_Hash_And_A_Small_Placement_Are_Pinned()
    {
        Assert.Equal(0xD4D8F0A719AC5ED7UL, PlacementHash.Of("node-1/a"));
        var volumes = PlacementScenario.Cluster(4, 2, 2, seed: 9);

        var result = ReplicaPlacement.Compute(volumes, [new("a", 10 * GB, 2), new("b", 20 * GB, 2), new("c", 5 * GB, 3)]);

        Assert.Equal(["node-3/b", "node-0/b"], result.Targets["a"]);
        Assert.Equal(["node-0/a", "node-3/a"], result.Targets["b"]);
        Assert.Equal(["node-2/a", "node-3/b", "node-1/b"], result.Targets["c"]);
    }

    [Fact]
    public void With_Fewer_Zones_Than_Replicas_The_Replicas_Spread_Over_All_Zones()
    {
        var volumes = PlacementScenario.Cluster(6, 2, 2, seed: 3);
        var byId = volumes.ToDictionary(v => v.Id);

        var result = ReplicaPlacement.Compute(volumes, PlacementScenario.Torrents(200, 3, seed: 4));

        Assert.Empty(result.Underplaced);
        Assert.All(result.Targets.Values, targets =>
        {
            Assert.Equal(3, targets.Select(id => byId[id].Node).Distinct().Count());
            Assert.Equal([1, 2], targets.GroupBy(id => byId[id].Zone).Select(g => g.Count()).Order());
        });
    }

    [Fact]
    public void Without_Enough_Nodes_A_Torrent_Gets_One_Replica_Per_Node_And_Is_Underplaced()
    {
        var volumes = new PlacementVolume[] { new("n1/a", "n1", "z1", TB), new("n1/b", "n1", "z1", TB), new("n2/a", "n2", "z2", TB) };

        var result = ReplicaPlacement.Compute(volumes, [new("t", GB, 3)]);

        Assert.Equal(2, result.Targets["t"].Count);
        Assert.NotEqual(result.Targets["t"][0][..2], result.Targets["t"][1][..2]);
        Assert.Equal(["t"], result.Underplaced);
        Assert.Equal(new PlacementShortfall("t", 3, 2, UnderplacedReason.NotEnoughNodes), Assert.Single(result.Shortfalls));
    }

    [Fact]
    public void No_Volume_Is_Filled_Beyond_Its_High_Watermark_And_What_Does_Not_Fit_Is_Underplaced()
    {
        var volumes = new PlacementVolume[]
        {
            new("n1/a", "n1", "z1", 100 * GB, ReservedBytes: 10 * GB),
            new("n2/a", "n2", "z2", 100 * GB),
            new("n3/a", "n3", "z3", 100 * GB),
            new("n4/a", "n4", "z1", 200 * GB),
        };
        var torrents = Enumerable.Range(0, 40).Select(i => new PlacementTorrent($"t{i:D2}", (7 + (i % 5)) * GB, 2)).ToList();

        var result = ReplicaPlacement.Compute(volumes, torrents);

        Assert.All(volumes, v => Assert.InRange(result.ProjectedBytes[v.Id], 0, (long)(0.9 * v.CapacityBytes) - v.ReservedBytes));
        Assert.NotEmpty(result.Underplaced);
        Assert.All(result.Shortfalls, s => Assert.Equal(UnderplacedReason.NoRoom, s.Reason));
        var sizes = torrents.ToDictionary(t => t.Name, t => t.SizeBytes);
        Assert.Equal(result.ProjectedBytes.Values.Sum(), result.Targets.Sum(t => sizes[t.Key] * t.Value.Count));
        Assert.All(result.Shortfalls, s => Assert.Equal(s.Placed, result.Targets.GetValueOrDefault(s.Torrent)?.Count ?? 0));
    }

    [Fact]
    public void A_Torrent_Bigger_Than_The_Balance_Bound_Still_Goes_Where_The_Watermark_Allows()
    {
        var volumes = PlacementScenario.Cluster(5, 1, 5, seed: 1);
        var torrents = Enumerable.Range(0, 50).Select(i => new PlacementTorrent($"small{i}", GB, 2)).Append(new PlacementTorrent("huge", 2 * TB, 2)).ToList();

        var result = ReplicaPlacement.Compute(volumes, torrents);

        Assert.Equal(2, result.Targets["huge"].Count);
        Assert.Empty(result.Underplaced);
    }

    [Fact]
    public void A_Volume_Twice_As_Big_Gets_Twice_The_Bytes()
    {
        var volumes = Enumerable.Range(0, 60).SelectMany(n => new PlacementVolume[]
        {
            new($"n{n}/small", $"n{n}", $"z{n % 6}", 8 * TB),
            new($"n{n}/big", $"n{n}", $"z{n % 6}", 16 * TB),
        }).ToList();
        var torrents = Enumerable.Range(0, 30_000).Select(i => new PlacementTorrent($"t{i}", GB, 1)).ToList();

        var result = ReplicaPlacement.Compute(volumes, torrents);

        var big = volumes.Where(v => v.Id.EndsWith("/big", StringComparison.Ordinal)).Average(v => (double)result.ProjectedBytes[v.Id]);
        var small = volumes.Where(v => v.Id.EndsWith("/small", StringComparison.Ordinal)).Average(v => (double)result.ProjectedBytes[v.Id]);
        Assert.InRange(big / small, 1.9, 2.1);
    }

    [Fact]
    public void A_Replication_Factor_Of_Zero_Places_Nothing_And_Is_Not_Underplaced()
    {
        var result = ReplicaPlacement.Compute(PlacementScenario.Cluster(3, 1, 3, seed: 1), [new("t", GB, 0)]);

        Assert.False(result.Targets.ContainsKey("t"));
        Assert.Empty(result.Underplaced);
    }

    [Fact]
    public void With_No_Volumes_Every_Torrent_Is_Underplaced_For_Want_Of_Nodes()
    {
        var result = ReplicaPlacement.Compute([], [new("a", GB, 2), new("b", GB, 1)]);

        Assert.Empty(result.Targets);
        Assert.Empty(result.ProjectedBytes);
        Assert.Equal(["a", "b"], result.Underplaced);
        Assert.All(result.Shortfalls, s => Assert.Equal(UnderplacedReason.NotEnoughNodes, s.Reason));
    }

    [Fact]
    public void Bad_Inputs_Are_Rejected_With_What_Was_Wrong()
    {
        var volume = new PlacementVolume("n1/a", "n1", "z1", TB);

        Assert.Contains("'n1/a' appears more than once", Assert.Throws<ArgumentException>(() => ReplicaPlacement.Compute([volume, volume], [])).Message, StringComparison.Ordinal);
        Assert.Contains("'t' appears more than once", Assert.Throws<ArgumentException>(() => ReplicaPlacement.Compute([volume], [new("t", 1, 1), new("t", 2, 1)])).Message, StringComparison.Ordinal);
        Assert.Contains("node 'n1' is in zone 'z1' and in zone 'z2'", Assert.Throws<ArgumentException>(() => ReplicaPlacement.Compute([volume, new("n1/b", "n1", "z2", TB)], [])).Message, StringComparison.Ordinal);
        Assert.Contains("CapacityBytes must be > 0", Assert.Throws<ArgumentException>(() => ReplicaPlacement.Compute([volume with { CapacityBytes = 0 }], [])).Message, StringComparison.Ordinal);
        Assert.Contains("SizeBytes ≥ 0 (is -1)", Assert.Throws<ArgumentException>(() => ReplicaPlacement.Compute([volume], [new("t", -1, 1)])).Message, StringComparison.Ordinal);
        Assert.Contains("HighWatermark", Assert.Throws<ArgumentOutOfRangeException>(() => ReplicaPlacement.Compute([volume], [], new PlacementOptions { HighWatermark = 1.5 })).Message, StringComparison.Ordinal);
        Assert.Contains("LoadSlack", Assert.Throws<ArgumentOutOfRangeException>(() => ReplicaPlacement.Compute([volume], [], new PlacementOptions { LoadSlack = double.NaN })).Message, StringComparison.Ordinal);
        Assert.Contains("MoveSlack", Assert.Throws<ArgumentOutOfRangeException>(() => ReplicaPlacement.Compute([volume], [], new PlacementOptions { MoveSlack = 0.01 })).Message, StringComparison.Ordinal);
        Assert.Contains("FillSlack", Assert.Throws<ArgumentOutOfRangeException>(() => ReplicaPlacement.Compute([volume], [], new PlacementOptions { FillSlack = -0.1 })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Platform_Independent_Logarithm_Agrees_With_The_Runtime()
    {
        var random = new Random(3);
        for (var i = 0; i < 10_000; i++)
        {
            var x = (ulong)random.NextInt64(1, long.MaxValue) >> random.Next(63);
            Assert.Equal(Math.Log(Math.Max(1, x)), PlacementHash.Ln(Math.Max(1UL, x)), 1e-12);
        }

    }
}
