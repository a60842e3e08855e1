using LibraryCluster.Actors.Cluster;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Holdings;
using LibraryCluster.Actors.Operations;
using LibraryCluster.Actors.Replicas;

namespace LibraryCluster.Actors.Tests.Holdings;

/// <summary>
/// The holdings policy against a cluster, from one snapshot: what a set chooses and changes, what the planner then
/// does with torrents wanted, kept, released or not wanted, and what is shown.
/// </summary>
public sealed class HoldingsOperationsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private const long Gb = 1_000_000_000;

    private static ClusterSettings Settings(string node) => new() { NodeId = node, Endpoint = new Uri($"http://127.0.0.1/{node}/"), DefaultReplicationFactor = 2 };

    private static ClusterNode Node(string id) => new(id, $"http://127.0.0.1/{id}/", id, NodeState.Up, "test", Now.AddMinutes(-1), Now);

    private static ClusterReplica Replica(string node, string torrent, ReplicaState state = ReplicaState.Healthy) => new(node, torrent, "a", state, Now);

    private static string Hash(string torrent) => Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(torrent)));

    private static TrackerScrape Scrape(string torrent, int seeders) => new(Hash(torrent), "udp://tracker/announce", new(seeders, 0, 0), Now.AddHours(-1), Now.AddHours(-1), null);

    /// <summary>Three nodes, four 1 GB torrents; the stored placement is what the planner computes (it stands).</summary>
    private static ClusterSnapshot Snapshot(IReadOnlyList<ClusterReplica> replicas, ClusterHoldings? holdings = null)
    {
        var nodes = new[] { Node("n1"), Node("n2"), Node("n3") };
        var snapshot = new ClusterSnapshot(
            new ClusterMap(7, nodes, nodes.Select(n => new ClusterVolume($"{n.Id}/a", n.Id, "a", 1000 * Gb, 0, ClusterVolumeState.In, "")).ToList()),
            new[] { "r_1000", "r_2000", "r_3000", "r_4000" }.Select(t => new ClusterTorrent(t, "scitech", Gb, Hash(t), Now.AddDays(-1))).ToList(),
            new Dictionary<string, int>(),
            replicas,
            Now) { Holdings = holdings };
        return snapshot with { Placement = ClusterPlanner.Place(snapshot, Settings("n1")).Targets };
    }

    // r_1000 has nobody seeding it, r_2000 few, r_3000 and r_4000 many: 2 GB keeps the first two.
    private static readonly TrackerScrape[] Scrapes = [Scrape("r_1000", 0), Scrape("r_2000", 1), Scrape("r_3000", 50), Scrape("r_4000", 60)];

    private static HoldingsRequest Request(bool release = false) => new(2 * Gb, TimeSpan.FromDays(30), UnknownSwarms.Last, release);

    /// <summary>r_1000 and r_3000 held on two nodes each, r_2000 and r_4000 nowhere.</summary>
    private static readonly ClusterReplica[] Held = [Replica("n1", "r_1000"), Replica("n2", "r_1000"), Replica("n1", "r_3000"), Replica("n2", "r_3000")];

    [Fact]
    public void A_plan_chooses_fewest_seeders_first_and_says_what_a_set_would_change_without_changing_anything()
    {
        var snapshot = Snapshot(Held);

        var plan = HoldingsOperations.Plan(snapshot, Settings("n1"), Scrapes, Request());

        Assert.Equal(["r_1000", "r_2000"], plan.Chosen.Select(r => r.Name));
        Assert.Equal(Gb, plan.BytesToFetch);
        var changes = plan.Changes!;
        Assert.Null(changes.Current);
        Assert.False(changes.Unchanged);

        // Without a policy every torrent was wanted: r_3000 is kept (it is held), r_4000 no longer fetched.
        Assert.Equal(HoldingChange.Keep, plan.NotChosen.Single(r => r.Name == "r_3000").Change);
        Assert.Equal(HoldingChange.Drop, plan.NotChosen.Single(r => r.Name == "r_4000").Change);
        Assert.All(plan.Chosen, r => Assert.Null(r.Change));
        Assert.Equal((1, Gb, 0, 1), (changes.Keep, changes.KeepBytes, changes.Release, changes.Drop));

        var release = HoldingsOperations.Plan(snapshot, Settings("n1"), Scrapes, Request(release: true)).Changes!;
        Assert.Equal((0, 1, Gb), (release.Keep, release.Release, release.ReleaseBytes));
        Assert.Empty(release.LastCopies);
    }

    [Fact]
    public void Setting_the_same_policy_twice_changes_nothing_the_second_time()
    {
        var snapshot = Snapshot(Held);
        var plan = HoldingsOperations.Plan(snapshot, Settings("n1"), Scrapes, Request());

        var set = Assert.IsType<OperationDecision.Change>(HoldingsOperations.Set(snapshot, plan, Request(), "n1", "asked by alice"));
        var stored = Assert.IsType<MapChange.SetHoldings>(Assert.Single(set.Changes));
        Assert.Equal(["r_1000", "r_2000"], stored.Holdings.Wanted.Order(StringComparer.Ordinal));
        Assert.Empty(stored.Holdings.Released);
        Assert.EndsWith("asked by alice", stored.Reason, StringComparison.Ordinal);

        var after = snapshot with { Holdings = stored.Holdings };
        var again = HoldingsOperations.Plan(after, Settings("n1"), Scrapes, Request());
        Assert.True(again.Changes!.Unchanged);
        Assert.IsType<OperationDecision.Nothing>(HoldingsOperations.Set(after, again, Request(), "n1", "asked by alice"));
        Assert.IsType<OperationDecision.Change>(HoldingsOperations.Set(after, HoldingsOperations.Plan(after, Settings("n1"), Scrapes, Request(release: true)), Request(release: true), "n1", "asked by alice"));
    }

    [Fact]
    public void A_release_that_would_delete_a_torrent_no_tracker_reports_a_seeder_for_is_refused()
    {
        var snapshot = Snapshot(Held);
        var unscraped = Scrapes.Where(s => s.InfoHash != Hash("r_3000")).ToList();
        var plan = HoldingsOperations.Plan(snapshot, Settings("n1"), unscraped, Request(release: true));

        Assert.Equal(["r_3000"], plan.Changes!.LastCopies);
        var refused = Assert.IsType<OperationDecision.Refused>(HoldingsOperations.Set(snapshot, plan, Request(release: true), "n1", "asked by alice"));
        Assert.Equal(["r_3000"], refused.Torrents);
        Assert.Contains("may be the last anywhere", refused.Reason, StringComparison.Ordinal);

        // The same set without --release keeps it (one copy) instead.
        var kept = HoldingsOperations.Plan(snapshot, Settings("n1"), unscraped, Request());
        var change = Assert.IsType<OperationDecision.Change>(HoldingsOperations.Set(snapshot, kept, Request(), "n1", "asked by alice"));
        Assert.Empty(Assert.IsType<MapChange.SetHoldings>(Assert.Single(change.Changes)).Holdings.Released);
    }

    [Fact]
    public void Under_a_policy_the_chosen_are_placed_at_their_factor_a_held_one_not_chosen_keeps_one_copy_and_the_rest_nothing()
    {
        var holdings = new ClusterHoldings(Request(), Now, "asked by alice", 7, new HashSet<string> { "r_1000", "r_2000" }, new HashSet<string>());
        var snapshot = Snapshot(Held, holdings);

        Assert.Equal(2, snapshot.Placement["r_1000"].Count);
        Assert.Equal(2, snapshot.Placement["r_2000"].Count);
        Assert.Single(snapshot.Placement["r_3000"]);
        Assert.False(snapshot.Placement.ContainsKey("r_4000"));
        Assert.Equal([HoldingState.Wanted, HoldingState.Wanted, HoldingState.Kept, HoldingState.NotWanted], snapshot.Torrents.Select(t => snapshot.Holding(t.Name)!.Value));

        // r_3000's copy on the node placement no longer wants goes once the one it keeps is Healthy; nothing else goes.
        var kept = snapshot.Placement["r_3000"].Single();
        var spare = kept.StartsWith("n1/", StringComparison.Ordinal) ? "n2" : "n1";
        var local = new Dictionary<string, ReplicaStatus> { ["r_3000"] = new() { Torrent = "r_3000", Volume = "a", State = ReplicaState.Healthy, Reason = "", Since = Now } };
        var plan = ClusterPlanner.Plan(snapshot, Settings(spare), local, new HashSet<string>());
        Assert.Equal("r_3000", Assert.Single(plan.Retires).Torrent);

        var show = HoldingsOperations.Show(snapshot, Settings("n1"));
        Assert.Equal((2, 1, 0, 1), (show.Wanted, show.WantedHeld, show.WantedPartly, show.WantedMissing));
        Assert.Equal((Gb, 1, Gb, 1), (show.BytesToFetch, show.Kept, show.KeptBytes, show.NotWanted));
        Assert.Equal(["r_2000"], show.Missing.Select(t => t.Name));
        Assert.Equal(TorrentHealth.NotWanted, ClusterReports.Torrents(snapshot, Settings("n1")).Single(t => t.Name == "r_4000").Health);
    }

    [Fact]
    public void A_released_torrent_has_every_copy_retired_even_the_last_and_one_not_wanted_loses_only_copies_without_data()
    {
        var holdings = new ClusterHoldings(Request(release: true), Now, "asked by alice", 7, new HashSet<string> { "r_1000", "r_2000" }, new HashSet<string> { "r_3000" });
        var snapshot = Snapshot([Replica("n1", "r_3000"), Replica("n1", "r_4000", ReplicaState.Absent)], holdings);
        var local = new Dictionary<string, ReplicaStatus>
        {
            ["r_3000"] = new() { Torrent = "r_3000", Volume = "a", State = ReplicaState.Healthy, Reason = "", Since = Now },
            ["r_4000"] = new() { Torrent = "r_4000", Volume = "a", State = ReplicaState.Absent, Reason = "", Since = Now },
        };

        var plan = ClusterPlanner.Plan(snapshot, Settings("n1"), local, new HashSet<string>());

        var released = Assert.Single(plan.Retires);
        Assert.Equal("r_3000", released.Torrent);
        Assert.StartsWith("released by the holdings policy", released.Reason, StringComparison.Ordinal);

        // The copy without data is let go only if it still has none when its replica hears of it.
        Assert.Equal([("r_4000", "not wanted by the holdings policy, and holds no data")], plan.LetGo);

        // Without the release, the Healthy copy is the one the policy keeps.
        var kept = Snapshot([Replica("n1", "r_3000")], holdings with { Released = new HashSet<string>() });
        var keeping = ClusterPlanner.Plan(kept, Settings("n1"), local, new HashSet<string>());
        Assert.DoesNotContain(keeping.Retires, r => r.Torrent == "r_3000");
        Assert.DoesNotContain(keeping.LetGo, r => r.Torrent == "r_3000");
    }
}
