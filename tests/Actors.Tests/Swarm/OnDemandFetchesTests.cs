using LibraryCluster.Actors.Swarm;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Actors.Tests.Swarm;

public sealed class OnDemandFetchesTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Pieces of 16,384 bytes over files of 3,000 / 15,000 / 2,000 / 40,000 / 4,000 bytes (pieces 0-3).</summary>
    private async Task<TorrentMetainfo> TorrentAsync()
    {
        var (metainfo, _, _) = await TestData.MultiFileTorrentAsync(_temp, "r_1000", 16 * 1024,
            ("a", 3_000), ("b", 15_000), ("c", 2_000), ("d", 40_000), ("e", 4_000));
        return metainfo;
    }

    private static int Index(TorrentMetainfo metainfo, string name) => metainfo.Files.Single(f => f.PathComponents[^1] == name).Index;

    [Fact]
    public async Task A_file_is_fetched_with_every_file_that_shares_its_first_or_last_piece()
    {
        var metainfo = await TorrentAsync();

        // Pieces of 16,384: a 0-3,000, b 3,000-18,000, c 18,000-20,000, d 20,000-60,000, e 60,000-64,000.
        string[] Sharing(string name) => [.. OnDemandFetches.FilesSharingPieces(metainfo, Index(metainfo, name)).Select(i => metainfo.Files[i].PathComponents[^1])];
        Assert.Equal(["a", "b"], Sharing("a"));
        Assert.Equal(["a", "b", "c", "d"], Sharing("b"));
        Assert.Equal(["b", "c", "d"], Sharing("c"));
        Assert.Equal(["b", "c", "d", "e"], Sharing("d"));
        Assert.Equal(["d", "e"], Sharing("e"));
    }

    [Fact]
    public async Task Asking_twice_changes_nothing_and_another_file_widens_the_fetch()
    {
        var metainfo = await TorrentAsync();
        var fetches = new OnDemandFetches();
        var raised = 0;
        fetches.Requested += () => raised++;

        var first = fetches.Request("r_1000", metainfo, Index(metainfo, "a"), Now);
        var again = fetches.Request("r_1000", metainfo, Index(metainfo, "a"), Now + TimeSpan.FromSeconds(5));
        var wider = fetches.Request("r_1000", metainfo, Index(metainfo, "e"), Now + TimeSpan.FromSeconds(9));

        Assert.Same(first, again);
        Assert.Equal(2, raised);
        Assert.Equal(OnDemandPhase.Fetching, wider.Phase);
        Assert.Equal(Now, wider.Since);
        Assert.Equal([Index(metainfo, "a"), Index(metainfo, "e")], wider.Requested.Order());
        Assert.Equal(4, wider.Wanted.Count);
        Assert.Equal(3_000 + 15_000 + 40_000 + 4_000, wider.WantedBytes);
        Assert.Same(wider, fetches.Find("r_1000"));
    }

    [Fact]
    public async Task A_failed_fetch_asked_for_again_starts_over()
    {
        var metainfo = await TorrentAsync();
        var fetches = new OnDemandFetches();
        var first = fetches.Request("r_1000", metainfo, Index(metainfo, "c"), Now);
        fetches.Update(first, f => f with { Phase = OnDemandPhase.Failed, Problem = "the daemon refused it" });

        var retried = fetches.Request("r_1000", metainfo, Index(metainfo, "c"), Now + TimeSpan.FromMinutes(2));

        Assert.Equal(OnDemandPhase.Fetching, retried.Phase);
        Assert.Null(retried.Problem);
        Assert.Equal(Now + TimeSpan.FromMinutes(2), retried.Since);
    }

    [Fact]
    public async Task A_file_outside_the_torrent_is_refused()
    {
        var metainfo = await TorrentAsync();

        Assert.Throws<ArgumentOutOfRangeException>(() => new OnDemandFetches().Request("r_1000", metainfo, metainfo.Files.Count, Now));
    }
}
