using LibraryCluster.Actors.Cluster;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Placement;
using LibraryCluster.Actors.Replicas;

namespace LibraryCluster.Actors.Tests.Cluster;

/// <summary>What a node decides from one look at the cluster: liveness, holds and fetches, make before break.</summary>
public sealed class ClusterPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static ClusterSettings Settings(string node) => new() { NodeId = node, Endpoint = new Uri($"http://127.0.0.1/{node}/") };

    private static ClusterNode Node(string id, NodeState state = NodeState.Up, double silentSeconds = 0, string zone = "z") =>
        new(id, $"http://127.0.0.1/{id}/", zone, state, "test", Now.AddMinutes(-1), Now.AddSeconds(-silentSeconds));

    // One volume per node; the stored placement is the one the planner computes from this map (it stands).
    private static ClusterSnapshot Snapshot(IReadOnlyList<ClusterNode> nodes, IReadOnlyList<ClusterReplica> replicas, params string[] torrents) => Settled(new(
        new ClusterMap(7, nodes, nodes.SelectMany(n => new[] { new ClusterVolume($"{n.Id}/a", n.Id, "a", 1_000_000_000, 0, ClusterVolumeState.In, "") }).ToList()),
        torrents.Select(t => new ClusterTorrent(t, "scitech", 1_000_000, "hash", Now)).ToList(),
        new Dictionary<string, int>(),
        replicas,
        Now));

    private static ClusterSnapshot Settled(ClusterSnapshot snapshot) => snapshot with { Placement = ClusterPlanner.Place(snapshot, Settings("n1")).Targets };

    private static ClusterReplica Replica(string node, string torrent, ReplicaState state = ReplicaState.Healthy, string volume = "a") => new(node, torrent, volume, state, Now);

    private static ReplicaStatus Local(string torrent, ReplicaState state) => new() { Torrent = torrent, Volume = "a", State = state, Reason = "", Since = Now };

    private static readonly IReadOnlySet<string> NoFailures = new HashSet<string>();

    [Fact]
    public void A_silent_peer_is_marked_down_and_one_down_past_the_interval_out_and_nothing_else_happens_that_round()
    {
        var snapshot = Snapshot([Node("n1"), Node("n2", silentSeconds: 6), Node("n3", NodeState.Down, silentSeconds: 601)], [], "r_1000");

        var plan = ClusterPlanner.Plan(snapshot, Settings("n1"), new Dictionary<string, ReplicaStatus>(), NoFailures);

        Assert.Equal(
            [new MapChange.SetNode("n2", NodeState.Down, "no heartbeat for 6.0 s"), new MapChange.SetNode("n3", NodeState.Out, "down for 601 s, longer than the down-out interval")],
            plan.MapChanges);
        Assert.Empty(plan.Holds);
        Assert.Empty(plan.Retires);
    }

    [Fact]
    public void After_an_outage_no_peer_is_judged_while_this_nodes_own_lease_looks_expired_too_or_while_told_not_to()
    {
        var afterOutage = Snapshot([Node("n1", silentSeconds: 9), Node("n2", silentSeconds: 9), Node("n3", silentSeconds: 8)], [], "r_1000");
        var silentPeer = Snapshot([Node("n1"), Node("n2", silentSeconds: 9)], [], "r_1000");

        Assert.Empty(ClusterPlanner.Plan(afterOutage, Settings("n1"), new Dictionary<string, ReplicaStatus>(), NoFailures).MapChanges);
        Assert.Empty(ClusterPlanner.Plan(silentPeer, Settings("n1"), new Dictionary<string, ReplicaStatus>(), NoFailures, judgePeers: false).MapChanges);
        Assert.Single(ClusterPlanner.Plan(silentPeer, Settings("n1"), new Dictionary<string, ReplicaStatus>(), NoFailures).MapChanges);
    }

    [Fact]
    public void A_local_volume_that_failed_is_reported_to_the_map()
    {
        var plan = ClusterPlanner.Plan(Snapshot([Node("n1"), Node("n2")], [], "r_1000"), Settings("n1"), new Dictionary<string, ReplicaStatus>(), new HashSet<string> { "a" });

        Assert.Equal([new MapChange.SetVolume("n1/a", ClusterVolumeState.Failed, "the node found it broken")], plan.MapChanges);
    }

    [Fact]
    public void Every_node_holds_what_placement_gives_it_and_fetches_it_only_from_up_peers_with_a_healthy_copy()
    {
        var torrents = Enumerable.Range(0, 20).Select(i => $"r_{i}000").ToArray();
        var replicas = torrents.SelectMany(t => new[] { Replica("n1", t), Replica("n4", t) }).ToList();
        var nodes = new[] { Node("n1"), Node("n2"), Node("n3"), Node("n4", NodeState.Down, silentSeconds: 1) };
        var snapshot = Snapshot(nodes, replicas, torrents);

        var n2Absent = ClusterPlanner.Plan(snapshot, Settings("n2"), torrents.ToDictionary(t => t, t => Local(t, ReplicaState.Absent)), NoFailures);

        foreach (var node in new[] { "n2", "n3" })
        {
            var placedThere = snapshot.Placement.Where(p => p.Value.Any(v => v.StartsWith(node + "/", StringComparison.Ordinal))).Select(p => p.Key).Order().ToList();
            Assert.NotEmpty(placedThere);
            Assert.Equal(placedThere, ClusterPlanner.Plan(snapshot, Settings(node), new Dictionary<string, ReplicaStatus>(), NoFailures).Holds.Select(h => h.Torrent).Order());
        }

        Assert.Equal(
            snapshot.Placement.Where(p => p.Value.Any(v => v.StartsWith("n2/", StringComparison.Ordinal))).Select(p => p.Key).Order(),
            n2Absent.Fetches.Select(f => f.Torrent).Order());
        Assert.All(n2Absent.Fetches, f => Assert.Equal(["n1"], f.Sources.Select(s => s.Node)));
        Assert.All(n2Absent.Fetches, f => Assert.True(f.Healing, "one Healthy copy on an Up node is below the factor of 2: healing"));
    }

    [Fact]
    public void A_copy_placement_no_longer_wants_is_kept_until_the_torrent_has_its_full_count_healthy_on_its_targets()
    {
        var nodes = new[] { Node("n1"), Node("n2"), Node("n3") };
        const string torrent = "r_1000";
        var targets = ClusterPlannerTestsPlacement.TargetsOf(Snapshot(nodes, [], torrent), torrent);
        var spare = nodes.Select(n => n.Id).Single(n => !targets.Contains(n));
        var local = new Dictionary<string, ReplicaStatus> { [torrent] = Local(torrent, ReplicaState.Healthy) };

        var oneReady = Snapshot(nodes, [Replica(spare, torrent), Replica(targets[0], torrent), Replica(targets[1], torrent, ReplicaState.Fetching)], torrent);
        var bothReady = Snapshot(nodes, [Replica(spare, torrent), Replica(targets[0], torrent), Replica(targets[1], torrent)], torrent);

        Assert.Empty(ClusterPlanner.Plan(oneReady, Settings(spare), local, NoFailures).Retires);
        Assert.Equal(torrent, Assert.Single(ClusterPlanner.Plan(bothReady, Settings(spare), local, NoFailures).Retires).Torrent);
    }

    [Fact]
    public void A_target_nodes_copy_counts_whichever_of_its_volumes_holds_it()
    {
        var nodes = new[] { Node("n1"), Node("n2"), Node("n3") };
        const string torrent = "r_1000";
        var targets = ClusterPlannerTestsPlacement.TargetsOf(Snapshot(nodes, [], torrent), torrent);
        var spare = nodes.Select(n => n.Id).Single(n => !targets.Contains(n));
        var local = new Dictionary<string, ReplicaStatus> { [torrent] = Local(torrent, ReplicaState.Healthy) };

        // Placement names each target's volume a; the target nodes hold their copies on b.
        var onOtherVolumes = Snapshot(nodes, [Replica(spare, torrent), Replica(targets[0], torrent, volume: "b"), Replica(targets[1], torrent, volume: "b")], torrent);

        Assert.Equal(torrent, Assert.Single(ClusterPlanner.Plan(onOtherVolumes, Settings(spare), local, NoFailures).Retires).Torrent);
    }

    [Fact]
    public void The_last_healthy_copy_is_never_retired_even_when_placement_wants_it_elsewhere()
    {
        var nodes = new[] { Node("n1"), Node("n2"), Node("n3") };
        const string torrent = "r_1000";
        var targets = ClusterPlannerTestsPlacement.TargetsOf(Snapshot(nodes, [], torrent), torrent);
        var spare = nodes.Select(n => n.Id).Single(n => !targets.Contains(n));
        var local = new Dictionary<string, ReplicaStatus> { [torrent] = Local(torrent, ReplicaState.Healthy) };

        // The targets' copies are damaged, or on a node that is down: neither counts.
        var damaged = Snapshot(nodes, [Replica(spare, torrent), Replica(targets[0], torrent, ReplicaState.Damaged), Replica(targets[1], torrent, ReplicaState.Absent)], torrent);
        var down = Snapshot(nodes.Select(n => n.Id == targets[0] ? n with { State = NodeState.Down } : n).ToList(), [Replica(spare, torrent), Replica(targets[0], torrent), Replica(targets[1], torrent)], torrent);

        Assert.Empty(ClusterPlanner.Plan(damaged, Settings(spare), local, NoFailures).Retires);
        Assert.Empty(ClusterPlanner.Plan(down, Settings(spare), local, NoFailures).Retires);
    }

    [Fact]
    public void A_replica_lost_with_its_volume_is_placed_again_on_another_volume_of_the_same_node()
    {
        var nodes = new[] { Node("n1"), Node("n2") };
        var snapshot = Snapshot(nodes, [Replica("n2", "r_1000")], "r_1000") is var s
            ? Settled(s with { Map = s.Map with { Volumes = [new("n1/b", "n1", "b", 1_000_000_000, 0, ClusterVolumeState.In, ""), new("n2/a", "n2", "a", 1_000_000_000, 0, ClusterVolumeState.In, "")] } })
            : throw new InvalidOperationException();

        var plan = ClusterPlanner.Plan(snapshot, Settings("n1"), new Dictionary<string, ReplicaStatus> { ["r_1000"] = Local("r_1000", ReplicaState.Lost) }, NoFailures);

        Assert.Equal([("r_1000", "b")], plan.Holds);
    }

    [Fact]
    public void The_first_placement_is_stored_before_anyone_acts_on_it_and_then_it_stands()
    {
        var nodes = new[] { Node("n1"), Node("n2"), Node("n3") };
        var fresh = Snapshot(nodes, [], "r_1000", "r_2000") with { Placement = ReplicaPlacement.Nothing };

        var plan = ClusterPlanner.Plan(fresh, Settings("n1"), new Dictionary<string, ReplicaStatus>(), NoFailures);
        var stored = ClusterPlanner.Plan(fresh with { Placement = plan.Placement! }, Settings("n1"), new Dictionary<string, ReplicaStatus>(), NoFailures);

        Assert.Equal(2, plan.Placement!.Count);
        Assert.Empty(plan.Holds);
        Assert.Null(stored.Placement);
        Assert.NotEmpty(stored.Holds);
        Assert.Equal(plan.Placement.Values.Count(t => t.Any(v => v.StartsWith("n1/", StringComparison.Ordinal))), stored.Holds.Count);
    }

    [Fact]
    public void A_stored_placement_that_is_still_valid_is_kept_even_where_rendezvous_would_choose_otherwise()
    {
        var nodes = Enumerable.Range(1, 4).Select(i => Node($"n{i}")).ToArray();
        var torrents = Enumerable.Range(0, 200).Select(i => $"r_{i}000").ToArray();
        var snapshot = Snapshot(nodes, [], torrents);
        var torrent = torrents[0];
        var spare = nodes.Select(n => $"{n.Id}/a").First(v => !snapshot.Placement[torrent].Contains(v));
        var stored = new Dictionary<string, IReadOnlyList<string>>(snapshot.Placement) { [torrent] = [snapshot.Placement[torrent][0], spare] };

        var plan = ClusterPlanner.Plan(snapshot with { Placement = stored }, Settings(spare.Split('/')[0]), new Dictionary<string, ReplicaStatus>(), NoFailures);

        Assert.Null(plan.Placement);
        Assert.Contains((torrent, "a"), plan.Holds);
    }

    // 40 volumes: one more changes the load factor by less than the balancer's hysteresis, so only the new volume's
    // share moves (with a handful of volumes, one more may also make the fullest give replicas to others).
    [Fact]
    public void A_new_volume_is_filled_from_the_fullest_volumes_and_nothing_else_moves()
    {
        var nodes = Enumerable.Range(1, 40).Select(i => Node($"n{i}", zone: $"z{i % 4}")).ToArray();
        var torrents = Enumerable.Range(0, 400).Select(i => new ClusterTorrent($"r_{i}000", "scitech", (1 + (i % 7)) * 1_000_000L, "hash", Now)).ToList();
        var before = Settled(Snapshot(nodes, []) with { Torrents = torrents });
        var added = new ClusterVolume("n1/b", "n1", "b", 1_000_000_000, 0, ClusterVolumeState.In, "");

        var plan = ClusterPlanner.Plan(before with { Map = before.Map with { Volumes = [.. before.Map.Volumes, added] } }, Settings("n2"), new Dictionary<string, ReplicaStatus>(), NoFailures);

        var next = plan.Placement!;
        var (load, share) = (Loads(before.Placement, torrents), torrents.Sum(t => 2.0 * t.Size) / 41);
        var moved = torrents.Where(t => !next[t.Name].ToHashSet().SetEquals(before.Placement[t.Name])).ToList();
        Assert.NotEmpty(moved);
        Assert.All(moved, t =>
        {
            var gone = Assert.Single(before.Placement[t.Name], v => !next[t.Name].Contains(v));
            Assert.Equal(added.Id, Assert.Single(next[t.Name], v => !before.Placement[t.Name].Contains(v)));
            Assert.True(load[gone] > share, $"{t.Name} left {gone}, which was not above its share");
        });
        Assert.InRange(Loads(next, torrents)[added.Id], 0.9 * share, 1.2 * share);
        Assert.Empty(plan.Holds);
    }

    [Fact]
    public void A_failed_volumes_replicas_are_placed_again_and_nothing_else_moves()
    {
        var nodes = Enumerable.Range(1, 5).Select(i => Node($"n{i}")).ToArray();
        var torrents = Enumerable.Range(0, 60).Select(i => $"r_{i}000").ToArray();
        var before = Snapshot(nodes, [], torrents);
        var failed = before.Map.Volumes.Single(v => v.Id == "n3/a");
        var after = before with { Map = before.Map with { Volumes = [.. before.Map.Volumes.Select(v => v == failed ? v with { State = ClusterVolumeState.Failed } : v)] } };

        var next = ClusterPlanner.Plan(after, Settings("n1"), new Dictionary<string, ReplicaStatus>(), NoFailures).Placement!;

        Assert.Contains(before.Placement.Values, t => t.Contains(failed.Id));
        Assert.All(torrents, t =>
        {
            Assert.Equal(2, next[t].Count);
            Assert.DoesNotContain(failed.Id, next[t]);
            Assert.Subset(next[t].ToHashSet(), before.Placement[t].Where(v => v != failed.Id).ToHashSet());
        });
    }

    private static Dictionary<string, double> Loads(IReadOnlyDictionary<string, IReadOnlyList<string>> placement, IReadOnlyList<ClusterTorrent> torrents) =>
        torrents.SelectMany(t => placement[t.Name].Select(v => (v, (double)t.Size)))
            .GroupBy(p => p.v)
            .ToDictionary(g => g.Key, g => g.Sum(p => p.Item2));
}

/// <summary>Where placement puts a torrent among single-volume nodes (node ids), for the tests above.</summary>
internal static class ClusterPlannerTestsPlacement
{
    public static IReadOnlyList<string> TargetsOf(ClusterSnapshot snapshot, string torrent) =>
        ReplicaPlacement.Compute(
                snapshot.Map.Volumes.Select(v => new PlacementVolume(v.Id, v.Node, "z", v.Capacity)).ToList(),
                [new PlacementTorrent(torrent, 1_000_000, 2)])
            .Targets[torrent].Select(v => v.Split('/')[0]).ToList();
}
