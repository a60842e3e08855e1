using LibraryCluster.Actors.Cluster;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Testing;

namespace LibraryCluster.Actors.Tests.Cluster;

/// <summary>The node and cluster stores' behaviour, run against SQLite and against a real PostgreSQL server.</summary>
public abstract partial class ClusterStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    protected abstract Task<ClusterDatabase> NewDatabaseAsync();

    private static List<(string, long, long)> Volumes(params string[] names) => names.Select(n => (n, 1_000_000_000L, 0L)).ToList();

    [Fact]
    public async Task Several_nodes_migrating_at_once_all_succeed_and_agree_on_one_schema()
    {
        var database = await NewDatabaseAsync();
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => new ClusterStore(database))));

        var store = new ClusterStore(database);
        Assert.Equal(1, store.ReadMap().Epoch);
    }

    [Fact]
    public async Task A_joining_node_is_up_with_its_volumes_and_every_join_bumps_the_epoch()
    {
        var store = new ClusterStore(await NewDatabaseAsync());

        var first = store.Join("n1", "http://127.0.0.1:1/", "z1", Volumes("a", "b"), T0);
        var second = store.Join("n2", "http://127.0.0.1:2/", "z2", Volumes("a"), T0);

        Assert.Equal((2L, (NodeState?)null), first);
        Assert.Equal(3, second.Epoch);
        var map = store.ReadMap();
        Assert.Equal(3, map.Epoch);
        Assert.Equal(["n1", "n2"], map.Nodes.Select(n => n.Id));
        Assert.All(map.Nodes, n => Assert.Equal(NodeState.Up, n.State));
        Assert.Equal(["n1/a", "n1/b", "n2/a"], map.Volumes.Select(v => v.Id));
        Assert.All(map.Volumes, v => Assert.Equal(ClusterVolumeState.In, v.State));
    }

    [Fact]
    public async Task A_change_computed_from_an_old_epoch_is_refused_and_changes_nothing()
    {
        var store = new ClusterStore(await NewDatabaseAsync());
        store.Join("n1", "http://127.0.0.1:1/", "z", Volumes("a"), T0);
        store.Join("n2", "http://127.0.0.1:2/", "z", Volumes("a"), T0);
        var seen = store.ReadMap().Epoch;

        var applied = store.Change(seen, T0, new MapChange.SetNode("n2", NodeState.Down, "silent"));
        var stale = store.Change(seen, T0, new MapChange.SetVolume("n1/a", ClusterVolumeState.Failed, "from an old map"));

        Assert.Equal(seen + 1, applied);
        Assert.Null(stale);
        var map = store.ReadMap();
        Assert.Equal(seen + 1, map.Epoch);
        Assert.Equal(NodeState.Down, map.Node("n2")!.State);
        Assert.Equal(ClusterVolumeState.In, map.Volumes.Single(v => v.Id == "n1/a").State);
    }

    [Fact]
    public async Task Racing_changes_from_one_epoch_apply_exactly_once()
    {
        var store = new ClusterStore(await NewDatabaseAsync());
        store.Join("n1", "http://127.0.0.1:1/", "z", Volumes("a"), T0);
        var seen = store.ReadMap().Epoch;

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => store.Change(seen, T0, new MapChange.SetReplication("scitech", i + 1)))));

        Assert.Single(results, r => r is not null);
        Assert.Equal(seen + 1, store.ReadMap().Epoch);
    }

    [Fact]
    public async Task Heartbeats_renew_only_a_node_that_is_up_and_a_node_back_from_out_has_its_replicas_checked_again()
    {
        var database = await NewDatabaseAsync();
        var store = new ClusterStore(database);
        var node = new SqlNodeStore(database, "n1");
        store.Join("n1", "http://127.0.0.1:1/", "z", Volumes("a"), T0);
        node.RecordTransition(Replica("r_1000", ReplicaState.Healthy), ReplicaState.Verifying, 10);
        Assert.True(store.Heartbeat("n1", T0.AddSeconds(1), Volumes("a")));
        Assert.Equal(T0.AddSeconds(1), store.ReadMap().Node("n1")!.Heartbeat);

        store.Change(store.ReadMap().Epoch, T0, new MapChange.SetNode("n1", NodeState.Out, "down too long"));
        Assert.False(store.Heartbeat("n1", T0.AddSeconds(2), Volumes("a")));

        var (_, previous) = store.Join("n1", "http://127.0.0.1:1/", "z", Volumes("a"), T0.AddSeconds(3));
        Assert.Equal(NodeState.Out, previous);
        Assert.Equal(ReplicaState.Verifying, node.LoadReplicas().Single().State);
        Assert.Equal(ReplicaState.Verifying, store.ListReplicas().Single().State);
    }

    [Fact]
    public async Task Replica_states_round_trip_per_node_and_every_transition_is_journaled()
    {
        var database = await NewDatabaseAsync();
        var n1 = new SqlNodeStore(database, "n1");
        var n2 = new SqlNodeStore(database, "n2");
        var damaged = Replica("r_1000", ReplicaState.Damaged) with { BadFiles = new HashSet<int> { 3, 7 }, BytesVerified = 1234, LastVerified = T0 };

        n1.RecordTransition(Replica("r_1000", ReplicaState.Verifying), ReplicaState.Absent, 0);
        n1.RecordTransition(damaged, ReplicaState.Verifying, 1234);
        n2.RecordTransition(Replica("r_1000", ReplicaState.Healthy), ReplicaState.Fetching, 99);

        var loaded = n1.LoadReplicas().Single();
        Assert.Equal(ReplicaState.Damaged, loaded.State);
        Assert.Equal([3, 7], loaded.BadFiles.Order());
        Assert.Equal(1234, loaded.BytesVerified);
        Assert.Equal(T0, loaded.LastVerified);
        Assert.Equal(ReplicaState.Healthy, n2.LoadReplicas().Single().State);
        Assert.Equal(["Damaged", "Verifying"], n1.RecentJournal(10).Select(j => j.To));
        Assert.Equal(["n2", "n1", "n1"], new ClusterStore(database).RecentJournal(10, "r_1000").Select(j => j.Node));

        n1.Forget("r_1000", "a", ReplicaState.Retiring, "retired", T0);
        Assert.Empty(n1.LoadReplicas());
        Assert.Equal("Gone", n1.RecentJournal(1).Single().To);
        Assert.Single(n2.LoadReplicas());
    }

    [Fact]
    public async Task A_torrent_is_registered_once_with_its_file_and_a_different_one_under_its_name_is_refused()
    {
        var store = new ClusterStore(await NewDatabaseAsync());
        byte[] bytes = [1, 2, 3, 0, 255];
        var torrent = new ClusterTorrent("r_1000", "scitech", 5_000, "aa", T0);

        store.AddTorrent(torrent, bytes);
        store.AddTorrent(torrent, bytes);

        Assert.Equal([torrent], store.ListTorrents());
        Assert.Equal(bytes, store.GetMetainfo("r_1000"));
        Assert.Null(store.GetMetainfo("r_2000"));
        var refused = Assert.Throws<TorrentConflictException>(() => store.AddTorrent(torrent with { InfoHash = "bb" }, bytes));
        Assert.Contains("r_1000", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replication_factors_are_part_of_the_map()
    {
        var store = new ClusterStore(await NewDatabaseAsync());
        store.Change(store.ReadMap().Epoch, T0, new MapChange.SetReplication("scimag", 3));

        Assert.Equal(3, store.ReplicationFactors()["scimag"]);
        Assert.False(store.ReplicationFactors().ContainsKey("scitech"));
    }

    [Fact]
    public async Task A_placement_is_stored_only_at_the_epoch_it_was_computed_from_and_storing_it_bumps_the_epoch()
    {
        var store = new ClusterStore(await NewDatabaseAsync());
        store.Join("n1", "http://127.0.0.1:1/", "z", Volumes("a", "b"), T0);
        store.Join("n2", "http://127.0.0.1:2/", "z", Volumes("a"), T0);
        var seen = store.ReadMap().Epoch;
        var first = Placement(("r_1000", ["n2/a", "n1/a"]), ("r_2000", ["n1/b", "n2/a"]));
        var second = Placement(("r_1000", ["n1/b", "n2/a"]), ("r_3000", ["n1/a"]));

        Assert.Empty(store.ReadPlacement());
        Assert.Equal(seen + 1, store.ReplacePlacement(seen, first));
        Assert.Null(store.ReplacePlacement(seen, second));
        Assert.Equal(Sorted(first), store.ReadPlacement());
        Assert.Equal(seen + 2, store.ReplacePlacement(seen + 1, second));

        Assert.Equal(Sorted(second), store.ReadPlacement());
        Assert.Equal(seen + 2, store.ReadMap().Epoch);
    }

    [Fact]
    public async Task Racing_placements_from_one_epoch_store_exactly_one_whole()
    {
        var store = new ClusterStore(await NewDatabaseAsync());
        store.Join("n1", "http://127.0.0.1:1/", "z", Volumes("a", "b", "c"), T0);
        var seen = store.ReadMap().Epoch;
        var candidates = Enumerable.Range(0, 6)
            .Select(i => Enumerable.Range(0, 50).ToDictionary(t => $"r_{t}000", t => (IReadOnlyList<string>)[$"n1/{(char)('a' + ((t + i) % 3))}"]))
            .ToList();

        var results = await Task.WhenAll(candidates.Select(c => Task.Run(() => store.ReplacePlacement(seen, c))));

        var winner = Assert.Single(results.Select((epoch, i) => (epoch, i)), r => r.epoch is not null);
        Assert.Equal(Sorted(candidates[winner.i]), store.ReadPlacement());
        Assert.Equal(seen + 1, store.ReadMap().Epoch);
    }

    private static Dictionary<string, IReadOnlyList<string>> Placement(params (string Torrent, string[] Volumes)[] targets) =>
        targets.ToDictionary(t => t.Torrent, t => (IReadOnlyList<string>)t.Volumes);

    private static Dictionary<string, IReadOnlyList<string>> Sorted(Dictionary<string, IReadOnlyList<string>> placement) =>
        placement.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value.Order(StringComparer.Ordinal).ToList());

    private static ReplicaStatus Replica(string torrent, ReplicaState state) =>
        new() { Torrent = torrent, Volume = "a", State = state, Reason = "test", Since = T0 };
}

public sealed class SqliteClusterStoreTests : ClusterStoreContract, IDisposable
{
    private readonly TempDirectory _temp = new();

    protected override Task<ClusterDatabase> NewDatabaseAsync() => Task.FromResult(ClusterDatabase.Sqlite(_temp.Join($"{Guid.NewGuid():N}.db")));

    public void Dispose() => _temp.Dispose();
}

[Trait("Category", "Integration")]
public sealed class PostgresClusterStoreTests(PostgresFixture postgres) : ClusterStoreContract, IClassFixture<PostgresFixture>
{
    protected override async Task<ClusterDatabase> NewDatabaseAsync() => ClusterDatabase.Postgres(await postgres.Server.CreateDatabaseAsync());

    [Fact]
    public async Task An_unreachable_database_is_named_in_the_error()
    {
        var database = ClusterDatabase.Postgres($"Host=127.0.0.1;Port={postgres.Server.Port};Username=librarycluster;Database=no_such_database;Timeout=3");
        var error = await Assert.ThrowsAsync<ClusterStoreException>(() => Task.Run(() => new ClusterStore(database)));
        Assert.Contains("no_such_database on 127.0.0.1", error.Message, StringComparison.Ordinal);
    }
}
