using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Holdings;

namespace LibraryCluster.Actors.Tests.Cluster;

/// <summary>The holdings policy in the store, on SQLite and PostgreSQL alike: set at an epoch, read back whole, journaled.</summary>
public abstract partial class ClusterStoreContract
{
    private static ClusterHoldings Holdings(long maxBytes, bool release, string[] wanted, string[] released) =>
        new(new HoldingsRequest(maxBytes, TimeSpan.FromDays(30), UnknownSwarms.Skip, release), T0, "asked by alice", 0, wanted.ToHashSet(), released.ToHashSet());

    [Fact]
    public async Task A_holdings_policy_is_set_at_the_epoch_it_was_decided_at_read_back_whole_and_journaled()
    {
        var store = new ClusterStore(await NewDatabaseAsync());
        store.Join("n1", "http://127.0.0.1:1/", "z", Volumes("a"), T0);
        Assert.Null(store.ReadHoldings());
        var seen = store.ReadMap().Epoch;

        var first = store.Change(seen, T0, new MapChange.SetHoldings(Holdings(20_000_000_000_000, false, ["r_1000", "r_2000"], []), "n1", "set: asked by alice"));
        var stale = store.Change(seen, T0, new MapChange.SetHoldings(Holdings(1, false, [], []), "n1", "from an old map"));

        Assert.Equal(seen + 1, first);
        Assert.Null(stale);
        var read = store.ReadHoldings()!;
        Assert.Equal(new HoldingsRequest(20_000_000_000_000, TimeSpan.FromDays(30), UnknownSwarms.Skip, false), read.Request);
        Assert.Equal(["r_1000", "r_2000"], read.Wanted.Order(StringComparer.Ordinal));
        Assert.Empty(read.Released);
        Assert.Equal((T0, "asked by alice", first!.Value), (read.SetAt, read.SetBy, read.Epoch));

        // A second policy replaces the decisions, and the journal has both, under the node that was asked.
        var second = store.Change(first.Value, T0.AddMinutes(1), new MapChange.SetHoldings(Holdings(10_000_000_000_000, true, ["r_2000"], ["r_1000"]), "n1", "set again: asked by bob"));
        read = store.ReadHoldings()!;
        Assert.Equal(["r_2000"], read.Wanted);
        Assert.Equal(["r_1000"], read.Released);
        Assert.True(read.Request.Release);
        Assert.Equal(second, read.Epoch);
        var journal = store.ReadJournal(new JournalQuery { Node = "n1", Limit = 2 });
        Assert.Equal(("20 TB", "10 TB, release", "set again: asked by bob"), (journal[0].From, journal[0].To, journal[0].Reason));
        Assert.Equal(("none", "20 TB"), (journal[1].From, journal[1].To));
        Assert.All(journal, e => Assert.Null(e.Torrent));
    }
}
