using LibraryCluster.Actors.Cluster;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Operations;
using LibraryCluster.Actors.Replicas;

namespace LibraryCluster.Actors.Tests.Cluster;

/// <summary>Drains, leaves and the operator's decisions, from one snapshot: what moves where, when things turn Out, what is refused.</summary>
public sealed class ClusterDrainTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private const long Gb = 1_000_000_000;

    private static ClusterSettings Settings(string node, int factor = 2) => new() { NodeId = node, Endpoint = new Uri($"http://127.0.0.1/{node}/"), DefaultReplicationFactor = factor };

    private static ClusterNode Node(string id, NodeState state = NodeState.Up, double silentSeconds = 0) =>
        new(id, $"http://127.0.0.1/{id}/", "z", state, "test", Now.AddMinutes(-1), Now.AddSeconds(-silentSeconds));

    private static ClusterVolume Volume(string node, string name, ClusterVolumeState state = ClusterVolumeState.In, long capacity = 1000 * Gb) =>
        new($"{node}/{name}", node, name, capacity, 0, state, "test");

    private static ClusterReplica Replica(string node, string torrent, string volume, ReplicaState state = ReplicaState.Healthy) => new(node, torrent, volume, state, Now);

    private static ReplicaStatus Local(string torrent, string volume, ReplicaState state = ReplicaState.Healthy) => new() { Torrent = torrent, Volume = volume, State = state, Reason = "", Since = Now };

    /// <summary>A snapshot whose stored placement is the one the planner computes from it (it stands).</summary>
    private static ClusterSnapshot Snapshot(ClusterNode[] nodes, ClusterVolume[] volumes, ClusterReplica[] replicas, ClusterSettings settings, params (string Name, long Size)[] torrents)
    {
        var snapshot = new ClusterSnapshot(
            new ClusterMap(7, nodes, volumes),
            torrents.Select(t => new ClusterTorrent(t.Name, "scitech", t.Size, "hash", Now)).ToList(),
            new Dictionary<string, int>(),
            replicas,
            Now);
        return snapshot with { Placement = ClusterPlanner.Place(snapshot, settings).Targets };
    }

    private static readonly IReadOnlySet<string> NoFailures = new HashSet<string>();

    [Fact]
    public void A_healthy_copy_on_a_draining_volume_moves_to_the_nodes_other_volume_and_the_volume_is_out_once_empty()
    {
        var settings = Settings("local", factor: 1);
        var volumes = new[] { Volume("local", "a"), Volume("local", "b", ClusterVolumeState.Draining) };
        var draining = Snapshot([Node("local")], volumes, [Replica("local", "r_1000", "b"), Replica("local", "r_2000", "a")], settings, ("r_1000", Gb), ("r_2000", Gb));

        var plan = ClusterPlanner.Plan(draining, settings, new Dictionary<string, ReplicaStatus> { ["r_1000"] = Local("r_1000", "b"), ["r_2000"] = Local("r_2000", "a") }, NoFailures);

        Assert.Equal([("r_1000", "a", "volume b is Draining")], plan.Moves);
        Assert.Empty(plan.Retires);
        Assert.Equal(["b"], plan.ClosedVolumes);

        var empty = Snapshot([Node("local")], volumes, [Replica("local", "r_1000", "a"), Replica("local", "r_2000", "a")], settings, ("r_1000", Gb), ("r_2000", Gb));
        var done = ClusterPlanner.Plan(empty, settings, new Dictionary<string, ReplicaStatus>(), NoFailures);
        Assert.Equal([new MapChange.SetVolume("local/b", ClusterVolumeState.Out, "drained: it holds no copies")], done.MapChanges);
    }

    [Fact]
    public void A_copy_with_no_data_on_a_draining_volume_is_placed_again_not_moved_and_one_busy_there_waits()
    {
        var settings = Settings("local", factor: 1);
        var volumes = new[] { Volume("local", "a"), Volume("local", "b", ClusterVolumeState.Draining) };
        var snapshot = Snapshot([Node("local")], volumes, [Replica("local", "r_1000", "b", ReplicaState.Absent), Replica("local", "r_2000", "b", ReplicaState.Verifying)], settings, ("r_1000", Gb), ("r_2000", Gb));

        var plan = ClusterPlanner.Plan(snapshot, settings, new Dictionary<string, ReplicaStatus> { ["r_1000"] = Local("r_1000", "b", ReplicaState.Absent), ["r_2000"] = Local("r_2000", "b", ReplicaState.Verifying) }, NoFailures);

        Assert.Equal([("r_1000", "a")], plan.Holds);
        Assert.Empty(plan.Moves);
        Assert.Empty(plan.MapChanges);
    }

    [Fact]
    public void A_partial_or_damaged_copy_on_a_draining_volume_moves_with_what_it_has_rather_than_wait_for_a_source()
    {
        var settings = Settings("local", factor: 1);
        var volumes = new[] { Volume("local", "a"), Volume("local", "b", ClusterVolumeState.Draining) };
        var snapshot = Snapshot([Node("local")], volumes, [Replica("local", "r_1000", "b", ReplicaState.Partial), Replica("local", "r_2000", "b", ReplicaState.Damaged)], settings, ("r_1000", Gb), ("r_2000", Gb));

        var plan = ClusterPlanner.Plan(snapshot, settings, new Dictionary<string, ReplicaStatus> { ["r_1000"] = Local("r_1000", "b", ReplicaState.Partial), ["r_2000"] = Local("r_2000", "b", ReplicaState.Damaged) }, NoFailures);

        Assert.Equal([("r_1000", "a", "volume b is Draining"), ("r_2000", "a", "volume b is Draining")], plan.Moves);
        Assert.Empty(plan.Fetches);
        Assert.Empty(plan.Retires);
    }

    [Fact]
    public void A_copy_placed_on_another_node_leaves_a_draining_volume_for_its_nodes_other_volume_and_one_without_data_is_let_go()
    {
        var settings = Settings("n1", factor: 1);
        // n1/a has room for a copy, too little for placement to choose it.
        var volumes = new[] { Volume("n1", "a", capacity: 3 * Gb), Volume("n1", "b", ClusterVolumeState.Draining), Volume("n2", "a") };
        var replicas = new[] { Replica("n1", "r_1000", "b", ReplicaState.Partial), Replica("n2", "r_1000", "a", ReplicaState.Absent), Replica("n1", "r_2000", "b", ReplicaState.Absent), Replica("n2", "r_2000", "a", ReplicaState.Absent) };
        var snapshot = new ClusterSnapshot(
            new ClusterMap(7, [Node("n1"), Node("n2")], volumes),
            [new ClusterTorrent("r_1000", "scitech", Gb, "hash", Now), new ClusterTorrent("r_2000", "scitech", Gb, "hash", Now)],
            new Dictionary<string, int>(),
            replicas,
            Now) { Placement = new Dictionary<string, IReadOnlyList<string>> { ["r_1000"] = ["n2/a"], ["r_2000"] = ["n2/a"] } };
        Assert.Equal(snapshot.Placement, ClusterPlanner.Place(snapshot, settings).Targets);

        var plan = ClusterPlanner.Plan(snapshot, settings, new Dictionary<string, ReplicaStatus> { ["r_1000"] = Local("r_1000", "b", ReplicaState.Partial), ["r_2000"] = Local("r_2000", "b", ReplicaState.Absent) }, NoFailures);

        // The Partial copy may be the only data there is until n2 has it whole: it stays on n1, on a volume that is In.
        Assert.Equal([("r_1000", "a", "volume b is Draining; kept on this node until its targets are Healthy")], plan.Moves);
        Assert.Equal([("r_2000", "volume b is Draining and the copy holds no data")], plan.LetGo);
        Assert.Empty(plan.Retires);
    }

    [Fact]
    public void A_leaving_node_with_nothing_left_marks_itself_out_and_only_itself()
    {
        var nodes = new[] { Node("n1"), Node("n2", NodeState.Leaving) };
        var volumes = new[] { Volume("n1", "a"), Volume("n2", "a") };
        var snapshot = Snapshot(nodes, volumes, [Replica("n1", "r_1000", "a")], Settings("n2", 1), ("r_1000", Gb));

        Assert.Equal([new MapChange.SetNode("n2", NodeState.Out, "left the cluster: its copies are on other nodes")], ClusterPlanner.Plan(snapshot, Settings("n2", 1), new Dictionary<string, ReplicaStatus>(), NoFailures).MapChanges);
        Assert.Empty(ClusterPlanner.Plan(snapshot, Settings("n1", 1), new Dictionary<string, ReplicaStatus>(), NoFailures).MapChanges);

        var holding = Snapshot(nodes, volumes, [Replica("n1", "r_1000", "a"), Replica("n2", "r_1000", "a")], Settings("n2", 1), ("r_1000", Gb));
        Assert.Empty(ClusterPlanner.Plan(holding, Settings("n2", 1), new Dictionary<string, ReplicaStatus> { ["r_1000"] = Local("r_1000", "a") }, NoFailures).MapChanges);
    }

    [Fact]
    public void A_volume_an_operator_failed_has_its_copies_written_off_by_its_node()
    {
        var settings = Settings("local", factor: 1);
        var volumes = new[] { Volume("local", "a"), Volume("local", "b", ClusterVolumeState.Failed) with { Reason = "failed by an operator" } };
        var snapshot = Snapshot([Node("local")], volumes, [Replica("local", "r_1000", "b")], settings, ("r_1000", Gb));

        var plan = ClusterPlanner.Plan(snapshot, settings, new Dictionary<string, ReplicaStatus> { ["r_1000"] = Local("r_1000", "b") }, NoFailures);

        Assert.Equal([("b", "the map has it Failed: failed by an operator")], plan.WriteOffs);
        Assert.Empty(ClusterPlanner.Plan(snapshot, settings, new Dictionary<string, ReplicaStatus> { ["r_1000"] = Local("r_1000", "b") }, new HashSet<string> { "b" }).WriteOffs);
    }

    [Fact]
    public void Draining_is_refused_when_a_copy_would_have_nowhere_to_go_and_allowed_when_there_is_room()
    {
        var settings = Settings("local", factor: 1);
        var roomy = Snapshot([Node("local")], [Volume("local", "a"), Volume("local", "b")], [Replica("local", "r_1000", "b")], settings, ("r_1000", Gb));
        var cramped = Snapshot([Node("local")], [Volume("local", "a", capacity: Gb / 2), Volume("local", "b")], [Replica("local", "r_1000", "b")], settings, ("r_1000", Gb));

        var allowed = Assert.IsType<OperationDecision.Change>(ClusterOperations.Drain(roomy, settings, "local/b", "asked by alice"));
        Assert.Equal([new MapChange.SetVolume("local/b", ClusterVolumeState.Draining, "draining: asked by alice")], allowed.Changes);

        var refused = Assert.IsType<OperationDecision.Refused>(ClusterOperations.Drain(cramped, settings, "local/b", "asked by alice"));
        Assert.Equal(["r_1000"], refused.Torrents);
        Assert.Contains("last Healthy copy", refused.Reason, StringComparison.Ordinal);

        Assert.IsType<OperationDecision.Unknown>(ClusterOperations.Drain(roomy, settings, "local/c", "asked by alice"));
        var draining = roomy with { Map = roomy.Map with { Volumes = [Volume("local", "a"), Volume("local", "b", ClusterVolumeState.Draining)] } };
        Assert.IsType<OperationDecision.Nothing>(ClusterOperations.Drain(draining, settings, "local/b", "asked by alice"));
    }

    [Fact]
    public void A_node_can_leave_only_when_the_others_can_take_its_copies_at_their_replication_factor()
    {
        var volumes = new[] { Volume("n1", "a"), Volume("n2", "a"), Volume("n3", "a") };
        var three = Snapshot([Node("n1"), Node("n2"), Node("n3")], volumes, [Replica("n1", "r_1000", "a"), Replica("n2", "r_1000", "a")], Settings("n1"), ("r_1000", Gb));
        var two = Snapshot([Node("n1"), Node("n2")], volumes[..2], [Replica("n1", "r_1000", "a"), Replica("n2", "r_1000", "a")], Settings("n1"), ("r_1000", Gb));

        Assert.IsType<OperationDecision.Change>(ClusterOperations.Leave(three, Settings("n1"), "n2", "asked by alice"));
        Assert.Contains("nowhere to go", Assert.IsType<OperationDecision.Refused>(ClusterOperations.Leave(two, Settings("n1"), "n2", "asked by alice")).Reason, StringComparison.Ordinal);
        var alone = Snapshot([Node("n1")], volumes[..1], [Replica("n1", "r_1000", "a")], Settings("n1", 1), ("r_1000", Gb));
        Assert.Contains("only node", Assert.IsType<OperationDecision.Refused>(ClusterOperations.Leave(alone, Settings("n1", 1), "n1", "asked by alice")).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_a_silent_node_can_be_downed_never_the_only_one_and_down_unreachable_takes_every_silent_one()
    {
        var volumes = new[] { Volume("n1", "a"), Volume("n2", "a"), Volume("n3", "a") };
        var snapshot = Snapshot([Node("n1"), Node("n2", silentSeconds: 1), Node("n3", NodeState.Down, silentSeconds: 60)], volumes, [], Settings("n1"), ("r_1000", Gb));

        Assert.Contains("heartbeating", Assert.IsType<OperationDecision.Refused>(ClusterOperations.Down(snapshot, Settings("n1"), "n2", "asked by alice")).Reason, StringComparison.Ordinal);
        var down = Assert.IsType<OperationDecision.Change>(ClusterOperations.Down(snapshot, Settings("n1"), "n3", "asked by alice"));
        Assert.Equal([new MapChange.SetNode("n3", NodeState.Out, "downed: asked by alice")], down.Changes);
        var all = Assert.IsType<OperationDecision.Change>(ClusterOperations.DownUnreachable(snapshot, Settings("n1"), "n1", "asked by alice"));
        Assert.Equal(["n3"], all.Changes.Cast<MapChange.SetNode>().Select(c => c.Node));

        var alone = Snapshot([Node("n1"), Node("n2", NodeState.Out)], volumes[..2], [], Settings("n1"), ("r_1000", Gb));
        Assert.Contains("only node", Assert.IsType<OperationDecision.Refused>(ClusterOperations.Down(alone, Settings("n1"), "n1", "asked by alice")).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Failing_a_volume_with_the_last_copy_needs_force_and_taking_out_a_volume_needs_it_empty()
    {
        var settings = Settings("local", factor: 1);
        var snapshot = Snapshot([Node("local")], [Volume("local", "a"), Volume("local", "b")], [Replica("local", "r_1000", "b")], settings, ("r_1000", Gb));

        Assert.IsType<OperationDecision.Refused>(ClusterOperations.Fail(snapshot, "local/b", force: false, "asked by alice"));
        Assert.IsType<OperationDecision.Change>(ClusterOperations.Fail(snapshot, "local/b", force: true, "asked by alice"));
        Assert.IsType<OperationDecision.Change>(ClusterOperations.Fail(snapshot, "local/a", force: false, "asked by alice"));
        Assert.IsType<OperationDecision.Refused>(ClusterOperations.Out(snapshot, "local/b", "asked by alice"));
        Assert.IsType<OperationDecision.Change>(ClusterOperations.Out(snapshot, "local/a", "asked by alice"));
        Assert.IsType<OperationDecision.Nothing>(ClusterOperations.In(snapshot, "local/a", "asked by alice"));
    }
}
