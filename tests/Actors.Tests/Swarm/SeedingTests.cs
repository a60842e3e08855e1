using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Node;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Actors.Swarm;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Engines;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Actors.Tests.Swarm;

/// <summary>
/// A node seeding through a real qbittorrent-nox on loopback: what it holds intact reaches a leeching daemon
/// byte for byte, and a replica found damaged stops being offered.
/// </summary>
[Trait("Category", "Swarm")]
public sealed class SeedingTests : IAsyncLifetime
{
    private const string Torrent = "r_7000";
    private readonly TempDirectory _temp = new();
    private LoopbackTracker _tracker = null!;
    private QBittorrentServer _seeder = null!;
    private QBittorrentServer _leecher = null!;

    public async Task InitializeAsync()
    {
        _tracker = LoopbackTracker.Start();
        _seeder = await QBittorrentServer.StartAsync();
        _leecher = await QBittorrentServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _leecher.DisposeAsync();
        await _seeder.DisposeAsync();
        await _tracker.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task What_The_Node_Holds_Intact_Reaches_A_Leecher_And_Damage_Stops_The_Seeding()
    {
        var volume = _temp.Join("volume");
        var data = Path.Join(volume, Torrent, Torrent);
        Directory.CreateDirectory(Path.Join(data, "sub"));
        await File.WriteAllBytesAsync(Path.Join(data, "a.pdf"), TestData.Bytes(700_000, 1));
        await File.WriteAllBytesAsync(Path.Join(data, "sub", "b.epub"), TestData.Bytes(300_001, 2));
        var torrentFile = await TorrentBuilder.FromDirectoryAsync(data, new TorrentBuildOptions { PieceLength = 64 * 1024, Announce = _tracker.AnnounceUrl });
        var hash = MetainfoParser.Parse(torrentFile).InfoHash;

        await using var node = StartNode(volume);
        await node.AddTorrentAsync(Torrent, torrentFile);
        await Eventually.UntilAsync(() => node.View.Replica(Torrent)?.State == ReplicaState.Healthy);

        // The leecher announces first: the seeder then learns of it at its own first announce (see torrent-engines.md).
        var fetched = _leecher.Folder("fetched");
        await _leecher.Engine.AddAsync(new TorrentAddRequest { Metainfo = torrentFile, SavePath = fetched });
        await Eventually.UntilAsync(() => _tracker.Announces(hash) >= 1);
        node.StartSeeding(new SeedingSettings { PollInterval = TimeSpan.FromMilliseconds(300) }, _seeder.Engine);

        await Eventually.UntilAsync(() => _leecher.Engine.GetTorrentAsync(hash), t => t?.IsComplete == true);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Join(data, "a.pdf")), await File.ReadAllBytesAsync(Path.Join(fetched, Torrent, "a.pdf")));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Join(data, "sub", "b.epub")), await File.ReadAllBytesAsync(Path.Join(fetched, Torrent, "sub", "b.epub")));
        await Eventually.UntilAsync(() => node.Seeding is { Reachable: true, Seeding: 1 });

        // Damage found by our own check: the replica leaves Healthy, and the daemon stops offering it.
        await using (var file = new FileStream(Path.Join(data, "a.pdf"), FileMode.Open, FileAccess.Write))
        {
            file.Position = 100_000;
            file.WriteByte(0xFF);
        }

        node.Verify(Torrent, "test damaged it");
        await Eventually.UntilAsync(() => node.View.Replica(Torrent)?.State == ReplicaState.Damaged);
        await Eventually.UntilAsync(() => _seeder.Engine.GetTorrentAsync(hash), t => t?.Activity == TorrentActivity.Paused);
        Assert.True(File.Exists(Path.Join(data, "a.pdf")));
        await Eventually.UntilAsync(() => node.Seeding is { Seeding: 0, Paused: 1 });
    }

    [Fact]
    public async Task A_Copy_Nobody_Nearer_Has_Is_Fetched_From_The_Swarm_And_Verified_By_The_Node()
    {
        // Another peer in the swarm has the data; the node has only the .torrent.
        var elsewhere = _leecher.Folder("seed");
        var data = Path.Join(elsewhere, Torrent);
        Directory.CreateDirectory(data);
        await File.WriteAllBytesAsync(Path.Join(data, "a.pdf"), TestData.Bytes(900_000, 3));
        await File.WriteAllBytesAsync(Path.Join(data, "b.djvu"), TestData.Bytes(123_457, 4));
        var torrentFile = await TorrentBuilder.FromDirectoryAsync(data, new TorrentBuildOptions { PieceLength = 64 * 1024, Announce = _tracker.AnnounceUrl });
        var hash = MetainfoParser.Parse(torrentFile).InfoHash;
        await _leecher.Engine.AddAsync(new TorrentAddRequest { Metainfo = torrentFile, SavePath = elsewhere, SkipChecking = true });
        await Eventually.UntilAsync(() => _tracker.Announces(hash) >= 1);

        var volume = _temp.Join("volume");
        await using var node = StartNode(volume);
        await node.AddTorrentAsync(Torrent, torrentFile);
        await Eventually.UntilAsync(() => node.View.Replica(Torrent) is { State: ReplicaState.Absent, Reason: var reason } && reason.StartsWith("no data on the volume", StringComparison.Ordinal));

        var states = new System.Collections.Concurrent.ConcurrentQueue<ReplicaState>();
        node.View.Changed += _ => states.Enqueue(node.View.Replica(Torrent)!.State);
        node.StartSeeding(new SeedingSettings
        {
            PollInterval = TimeSpan.FromMilliseconds(300),
            FetchFromSwarm = true,
            SwarmFetchAfter = TimeSpan.Zero,
        }, _seeder.Engine);

        await Eventually.UntilAsync(() => node.View.Replica(Torrent)?.State == ReplicaState.Healthy);
        Assert.Equal([ReplicaState.Fetching, ReplicaState.Verifying, ReplicaState.Healthy], states.Distinct());
        Assert.Contains("verification passed", node.View.Replica(Torrent)!.Reason);
        var copy = Path.Join(volume, Torrent, Torrent);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Join(data, "a.pdf")), await File.ReadAllBytesAsync(Path.Join(copy, "a.pdf")));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Join(data, "b.djvu")), await File.ReadAllBytesAsync(Path.Join(copy, "b.djvu")));

        // Once verified it is seeded like everything else the node holds.
        await Eventually.UntilAsync(() => _seeder.Engine.GetTorrentAsync(hash), t => t?.Activity == TorrentActivity.Seeding);
    }

    /// <summary>A single node with one volume, its store and catalogue in this test's folder.</summary>
    private MirrorNode StartNode(string volume)
    {
        var node = new MirrorNode(
            new NodeSettings { Volumes = [new NodeVolume("a", volume, null)], TorrentsDirectory = _temp.Join("torrents"), CatalogPath = _temp.Join("catalog.db") },
            new SqlNodeStore(ClusterDatabase.Sqlite(_temp.Join("node.db")), "local"));
        node.Start();
        return node;
    }
}
