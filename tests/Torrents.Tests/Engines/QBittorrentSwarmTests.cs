using LibraryCluster.Testing;
using LibraryCluster.Torrents.Engines;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Tests.Engines;

/// <summary>A real swarm on loopback: an in-process tracker, a seeding and a leeching qbittorrent-nox.</summary>
[Trait("Category", "Swarm")]
public sealed class QBittorrentSwarmTests : IAsyncLifetime
{
    private LoopbackTracker _tracker = null!;
    private QBittorrentServer _seeder = null!;
    private QBittorrentServer _leecher = null!;

    public async Task InitializeAsync()
    {
        _tracker = LoopbackTracker.Start();
        var servers = await Task.WhenAll(QBittorrentServer.StartAsync(), QBittorrentServer.StartAsync());
        (_seeder, _leecher) = (servers[0], servers[1]);
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_seeder.DisposeAsync().AsTask(), _leecher.DisposeAsync().AsTask());
        await _tracker.DisposeAsync();
    }

    /// <summary>
    /// The leecher announces first, so that the seeder's first announce (libtorrent announces again only after
    /// minutes) already names it; the seeder then connects to it.
    /// </summary>
    private async Task AddLeecherThenSeederAsync(byte[] bytes, InfoHash hash, string seederSave, TorrentAddRequest leecherRequest)
    {
        await _leecher.Engine.AddAsync(leecherRequest);
        await Eventually.UntilAsync(() => Task.FromResult(_tracker.Peers(hash)), peers => peers == 1, TimeSpan.FromMilliseconds(20));
        await _seeder.Engine.AddAsync(new TorrentAddRequest { Metainfo = bytes, SavePath = seederSave, SkipChecking = true });
    }

    [Fact]
    public async Task A_Leecher_Fetches_The_Whole_Torrent_From_A_Seeder_With_Identical_Bytes()
    {
        var seederSave = _seeder.Folder("data");
        var (bytes, torrent) = await TestData.SeedTorrentAsync(seederSave, "r_1000", _tracker.AnnounceUrl, 65_536, 1,
            ("0f/aaaa", 3_000_000), ("10/bbbb", 250_000), ("11/cccc", 5));
        var leecherSave = _leecher.Folder("volume");

        await AddLeecherThenSeederAsync(bytes, torrent.InfoHash, seederSave, new TorrentAddRequest { Metainfo = bytes, SavePath = leecherSave });

        var done = await TorrentWait.UntilSeedingAsync(_leecher.Engine, torrent.InfoHash);
        Assert.Equal(0, done.BytesLeft);
        Assert.All(torrent.Files, file => Assert.True(SameBytes(seederSave, leecherSave, file.RelativePath), file.RelativePath));

        var seeded = await TorrentWait.UntilAsync(_seeder.Engine, torrent.InfoHash, t => t.Uploaded >= torrent.TotalLength);
        Assert.Equal(0, seeded.BytesLeft);
    }

    [Fact]
    public async Task With_Wanted_Files_Only_Those_Are_Fetched()
    {
        var seederSave = _seeder.Folder("data");
        // Piece-aligned files (4 pieces, 1 piece, 4 pieces), so no piece is shared between a wanted and an unwanted file.
        var (bytes, torrent) = await TestData.SeedTorrentAsync(seederSave, "f_0", _tracker.AnnounceUrl, 16_384, 7,
            ("a.epub", 4 * 16_384), ("b.pdf", 16_384), ("c.djvu", 4 * 16_384));
        var leecherSave = _leecher.Folder("volume");

        await AddLeecherThenSeederAsync(bytes, torrent.InfoHash, seederSave,
            new TorrentAddRequest { Metainfo = bytes, SavePath = leecherSave, WantedFiles = [1] });

        var done = await TorrentWait.UntilAsync(_leecher.Engine, torrent.InfoHash, t => t.IsComplete);
        Assert.Equal((16_384L, torrent.TotalLength), (done.WantedSize, done.TotalSize));
        var files = await _leecher.Engine.GetFilesAsync(torrent.InfoHash);
        Assert.Equal([(FilePriority.Skip, 0.0), (FilePriority.Normal, 1.0), (FilePriority.Skip, 0.0)], files!.Select(f => (f.Priority, f.Progress)));
        Assert.True(SameBytes(seederSave, leecherSave, torrent.Files[1].RelativePath));
        Assert.False(SameBytes(seederSave, leecherSave, torrent.Files[0].RelativePath));
        Assert.False(SameBytes(seederSave, leecherSave, torrent.Files[2].RelativePath));
    }

    /// <summary>Whether the leecher has the file, byte for byte as the seeder has it.</summary>
    private static bool SameBytes(string seederSave, string leecherSave, string relativePath)
    {
        var fetched = Path.Join(leecherSave, relativePath);
        return File.Exists(fetched) && File.ReadAllBytes(fetched).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Join(seederSave, relativePath)));
    }
}
