using LibraryCluster.Actors.Cluster.Transfers;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Metainfo;
using LibraryCluster.Torrents.Verification;

namespace LibraryCluster.Actors.Tests.Cluster;

/// <summary>Copying a replica from real HTTP peers on loopback (in-process Kestrel): every piece checked before it is written, failover, resume.</summary>
public sealed class PeerFetcherTests : IDisposable
{
    private const string Token = "peer-fetcher-test-cluster-token";
    private const string Torrent = "r_5000";
    private const int PieceLength = 16 * 1024;

    private readonly TempDirectory _temp = new();
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _http.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task Copies_Every_File_From_A_Peer_Byte_For_Byte()
    {
        var (metainfo, source) = await SampleAsync();
        await using var peer = await ReplicaPeer.StartAsync("a", Token, Torrent, metainfo, source);

        var report = await FetchAsync(metainfo, peer.Source);

        Assert.Equal(metainfo.PieceCount, report.PiecesFetched);
        Assert.Equal(0, report.PiecesAlreadyValid);
        Assert.Equal(metainfo.TotalLength, report.BytesFetched);
        Assert.Equal(["a"], report.Sources);
        AssertSameFiles(metainfo, source, Destination);
    }

    [Fact]
    public async Task A_Piece_That_Fails_Its_Hash_Is_Never_Written_And_The_Fetch_Says_Which()
    {
        var (metainfo, source) = await SampleAsync();
        await using var liar = await ReplicaPeer.StartAsync("a", Token, Torrent, metainfo, source);
        var corrupt = 3 * PieceLength + 100;
        liar.CorruptAt = corrupt;

        var error = await Assert.ThrowsAsync<PeerFetchException>(() => FetchAsync(metainfo, liar.Source));

        Assert.Contains("piece 3 from a does not match its hash", error.Message);
        var onDisk = await PieceVerifier.VerifyAsync(metainfo, Destination, new VerificationOptions(), null, CancellationToken.None);
        Assert.All(Enumerable.Range(0, 3), p => Assert.Equal(PieceState.Valid, onDisk.Pieces[p]));
        Assert.NotEqual(PieceState.Valid, onDisk.Pieces[3]);
    }

    [Fact]
    public async Task The_Next_Peer_Supplies_What_A_Lying_Peer_Could_Not()
    {
        var (metainfo, source) = await SampleAsync();
        await using var liar = await ReplicaPeer.StartAsync("a", Token, Torrent, metainfo, source);
        await using var honest = await ReplicaPeer.StartAsync("b", Token, Torrent, metainfo, source);
        liar.CorruptAt = 5 * PieceLength + 7;

        var report = await FetchAsync(metainfo, liar.Source, honest.Source);

        Assert.Equal(["a", "b"], report.Sources);
        AssertSameFiles(metainfo, source, Destination);
    }

    [Fact]
    public async Task A_Peer_That_Stops_Short_Is_Left_For_The_Next()
    {
        var (metainfo, source) = await SampleAsync();
        await using var flaky = await ReplicaPeer.StartAsync("a", Token, Torrent, metainfo, source);
        await using var steady = await ReplicaPeer.StartAsync("b", Token, Torrent, metainfo, source);
        flaky.StopAfter = 2 * PieceLength + 5_000;

        var report = await FetchAsync(metainfo, flaky.Source, steady.Source);

        Assert.Equal(["a", "b"], report.Sources);
        Assert.Equal(metainfo.TotalLength, report.BytesFetched);
        AssertSameFiles(metainfo, source, Destination);
    }

    [Fact]
    public async Task A_Fetch_Cut_Short_Resumes_From_Its_Verified_Pieces()
    {
        var (metainfo, source) = await SampleAsync();
        await using var peer = await ReplicaPeer.StartAsync("a", Token, Torrent, metainfo, source);
        peer.StopAfter = 4 * PieceLength + 1_000;
        await Assert.ThrowsAsync<PeerFetchException>(() => FetchAsync(metainfo, peer.Source));
        var sentBefore = peer.BytesSent;

        peer.StopAfter = null;
        var report = await FetchAsync(metainfo, peer.Source);

        Assert.Equal(4, report.PiecesAlreadyValid);
        Assert.Equal(metainfo.PieceCount - 4, report.PiecesFetched);
        Assert.Equal(metainfo.TotalLength - (4 * PieceLength), report.BytesFetched);
        Assert.Equal(report.BytesFetched, peer.BytesSent - sentBefore);
        AssertSameFiles(metainfo, source, Destination);
    }

    [Fact]
    public async Task Without_A_Peer_Or_With_The_Wrong_Token_The_Fetch_Fails_With_The_Reason()
    {
        var (metainfo, source) = await SampleAsync();
        await using var peer = await ReplicaPeer.StartAsync("a", "a-different-cluster-token", Torrent, metainfo, source);

        var none = await Assert.ThrowsAsync<PeerFetchException>(() => FetchAsync(metainfo));
        var refused = await Assert.ThrowsAsync<PeerFetchException>(() => FetchAsync(metainfo, peer.Source));

        Assert.Contains("no peer holds it Healthy", none.Message);
        Assert.Contains("a: a answered 401", refused.Message);
    }

    private string Destination => _temp.Join("copy");

    /// <summary>Three files whose pieces straddle file boundaries, one of a single byte.</summary>
    private async Task<(TorrentMetainfo Metainfo, string SaveDirectory)> SampleAsync()
    {
        var (metainfo, _, save) = await TestData.MultiFileTorrentAsync(_temp, "r_5000", PieceLength,
            ("a.pdf", 5 * PieceLength + 1_234), ("b.epub", 1), ("c/d.djvu", 3 * PieceLength + 99));
        return (metainfo, save);
    }

    private Task<FetchReport> FetchAsync(TorrentMetainfo metainfo, params PeerSource[] sources) =>
        new PeerFetcher(_http, Token, new TransferGate(new TransferOptions()))
            .FetchAsync(Torrent, metainfo, Destination, sources, healing: true, progress: null, CancellationToken.None);

    private static void AssertSameFiles(TorrentMetainfo metainfo, string expectedDirectory, string actualDirectory)
    {
        foreach (var file in metainfo.Files.Where(f => !f.IsPadding))
        {
            Assert.Equal(
                File.ReadAllBytes(Path.Join([expectedDirectory, .. file.PathComponents])),
                File.ReadAllBytes(Path.Join([actualDirectory, .. file.PathComponents])));
        }
    }
}
