using LibraryCluster.Actors.Cluster;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Replicas;

namespace LibraryCluster.Actors.Tests.Cluster;

/// <summary>Map changes in the journal, and reading the journal and a torrent's copies for operators, on SQLite and PostgreSQL alike.</summary>
public abstract partial class ClusterStoreContract
{
    [Fact]
    public async Task Every_node_or_volume_state_change_is_journaled_with_its_reason_and_a_change_to_the_same_state_is_not()
    {
        var store = new ClusterStore(await NewDatabaseAsync());
        store.Join("n1", "http://127.0.0.1:1/", "z", Volumes("a", "b"), T0);
        store.Join("n2", "http://127.0.0.1:2/", "z", Volumes("a"), T0);

        var epoch = store.Change(store.ReadMap().Epoch, T0.AddSeconds(1),
            new MapChange.SetVolume("n1/b", ClusterVolumeState.Draining, "draining: asked by alice"),
            new MapChange.SetNode("n2", NodeState.Down, "no heartbeat for 6.0 s"));
        store.Change(epoch!.Value, T0.AddSeconds(2), new MapChange.SetNode("n2", NodeState.Down, "again"), new MapChange.SetVolume("n1/b", ClusterVolumeState.Draining, "again"));

        var journal = store.ReadJournal(new JournalQuery());
        Assert.Equal(
            [("n2", "", "Up", "Down", "no heartbeat for 6.0 s"), ("n1", "b", "In", "Draining", "draining: asked by alice")],
            journal.Select(e => (e.Node, e.Volume, e.From, e.To, e.Reason)));
        Assert.All(journal, e => Assert.Null(e.Torrent));
    }

    [Fact]
    public async Task The_journal_reads_filtered_by_torrent_node_and_volume_newest_first_or_after_a_sequence_oldest_first()
    {
        var database = await NewDatabaseAsync();
        var store = new ClusterStore(database);
        var n1 = new SqlNodeStore(database, "n1");
        var n2 = new SqlNodeStore(database, "n2");
        n1.Journal("r_1000", "a", "Absent", "Verifying", "adopting", 0, T0);
        n1.Journal("r_1000", "b", "Verifying", "Healthy", "passed", 10, T0.AddSeconds(1));
        n2.Journal("r_2000", "a", "Absent", "Fetching", "placing", 0, T0.AddSeconds(2));
        n1.Journal(null, "b", "In", "Failed", "vanished", 0, T0.AddSeconds(3));

        Assert.Equal(["Failed", "Fetching", "Healthy", "Verifying"], store.ReadJournal(new JournalQuery()).Select(e => e.To));
        Assert.Equal(["Healthy", "Verifying"], store.ReadJournal(new JournalQuery { Torrent = "r_1000" }).Select(e => e.To));
        Assert.Equal(["Failed", "Healthy"], store.ReadJournal(new JournalQuery { Node = "n1", Volume = "b" }).Select(e => e.To));
        Assert.Equal(["Fetching"], store.ReadJournal(new JournalQuery { Node = "n2" }).Select(e => e.To));
        Assert.Equal(["Failed"], store.ReadJournal(new JournalQuery { Limit = 1 }).Select(e => e.To));
        Assert.Equal(["Failed", "Fetching"], store.ReadJournal(new JournalQuery { Since = T0.AddSeconds(2) }).Select(e => e.To));

        var second = store.ReadJournal(new JournalQuery { Torrent = "r_1000" }).Single(e => e.To == "Verifying").Sequence + 1;
        Assert.Equal(["Fetching", "Failed"], store.ReadJournal(new JournalQuery { After = second }).Select(e => e.To));
    }

    [Fact]
    public async Task A_torrents_copies_read_with_everything_their_nodes_recorded()
    {
        var database = await NewDatabaseAsync();
        var store = new ClusterStore(database);
        var status = new ReplicaStatus { Torrent = "r_1000", Volume = "a", State = ReplicaState.Damaged, Reason = "scrub found 1 damaged piece", Since = T0, BytesVerified = 10, LastVerified = T0, BadFiles = new HashSet<int> { 2, 0 } };
        new SqlNodeStore(database, "n2").RecordTransition(status, ReplicaState.Scrubbing, 10);
        new SqlNodeStore(database, "n1").RecordTransition(status with { State = ReplicaState.Healthy, BadFiles = new HashSet<int>() }, ReplicaState.Verifying, 10);

        var copies = store.ReplicaDetails("r_1000");

        Assert.Equal(["n1", "n2"], copies.Select(c => c.Node));
        Assert.Equal("scrub found 1 damaged piece", copies[1].Status.Reason);
        Assert.Equal([0, 2], copies[1].Status.BadFiles.Order());
        Assert.Equal(T0, copies[1].Status.LastVerified);
        Assert.Empty(store.ReplicaDetails("r_2000"));
    }
}
