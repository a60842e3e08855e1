using LibraryCluster.Testing;
using LibraryCluster.Torrents.Bencode;
using LibraryCluster.Torrents.Engines;
using LibraryCluster.Torrents.Engines.QBittorrent;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Tests.Engines;

/// <summary>The WebAPI client against a real qbittorrent-nox 4.5.2 on 127.0.0.1.</summary>
[Trait("Category", "Swarm")]
public sealed class QBittorrentEngineTests(QBittorrentFixture fixture) : IClassFixture<QBittorrentFixture>
{
    private static int _seed = 100;

    private QBittorrentEngine Engine => fixture.Server.Engine;

    /// <summary>Fresh data (unique bytes, so a unique info-hash) in a folder of its own.</summary>
    private async Task<(byte[] Bytes, TorrentMetainfo Torrent, string Save)> NewTorrentAsync(string? announce = null)
    {
        var seed = Interlocked.Add(ref _seed, 10);
        var save = fixture.Server.Folder($"data-{seed}");
        var (bytes, torrent) = await TestData.SeedTorrentAsync(save, $"t{seed}", announce, 16_384, seed, ("a.bin", 100_000), ("sub/b.bin", 40_000));
        return (bytes, torrent, save);
    }

    [Fact]
    public async Task Added_With_Skip_Checking_It_Seeds_At_Once_And_A_Second_Add_Is_Already_There()
    {
        var (bytes, torrent, save) = await NewTorrentAsync();

        Assert.Equal(EngineOutcome.Done, await Engine.AddAsync(new TorrentAddRequest { Metainfo = bytes, SavePath = save, SkipChecking = true }));
        var seeding = await TorrentWait.UntilSeedingAsync(Engine, torrent.InfoHash);

        Assert.Equal((torrent.Name, 0L, torrent.TotalLength, torrent.TotalLength, 1.0), (seeding.Name, seeding.BytesLeft, seeding.TotalSize, seeding.WantedSize, seeding.Progress));
        Assert.Equal(Path.GetFullPath(save).TrimEnd('/'), seeding.SavePath.TrimEnd('/'));
        Assert.Equal(EngineOutcome.AlreadyThere, await Engine.AddAsync(new TorrentAddRequest { Metainfo = bytes, SavePath = save, SkipChecking = true }));
    }

    [Fact]
    public async Task Added_Without_Skip_Checking_It_Hashes_The_Data_Then_Seeds()
    {
        var (bytes, torrent, save) = await NewTorrentAsync();

        await Engine.AddAsync(new TorrentAddRequest { Metainfo = bytes, SavePath = save });

        var seeding = await TorrentWait.UntilSeedingAsync(Engine, torrent.InfoHash);
        Assert.Equal(0, seeding.BytesLeft);
    }

    [Fact]
    public async Task A_Recheck_Finds_Damaged_Data_That_Was_Added_Unchecked()
    {
        var (bytes, torrent, save) = await NewTorrentAsync();
        await Engine.AddAsync(new TorrentAddRequest { Metainfo = bytes, SavePath = save, SkipChecking = true });
        await TorrentWait.UntilSeedingAsync(Engine, torrent.InfoHash);
        var file = Path.Join(save, torrent.Name, "a.bin");
        var content = await File.ReadAllBytesAsync(file);
        content[50_000] ^= 0xFF;
        await File.WriteAllBytesAsync(file, content);

        await Engine.RecheckAsync([torrent.InfoHash]);

        // One 16 KiB piece is bad; the daemon reports it missing (and, not started paused, would fetch it).
        var after = await TorrentWait.UntilAsync(Engine, torrent.InfoHash, t => t.Activity != TorrentActivity.Checking && t.BytesLeft > 0);
        Assert.Equal(16_384, after.BytesLeft);
    }

    [Fact]
    public async Task A_Metainfo_We_Cannot_Parse_Is_Refused_Before_It_Reaches_The_Daemon()
    {
        var error = await Assert.ThrowsAsync<BencodeException>(() =>
            Engine.AddAsync(new TorrentAddRequest { Metainfo = "garbage"u8.ToArray(), SavePath = fixture.Server.Folder("garbage") }));

        Assert.StartsWith("bencode error at byte 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Torrent_The_Daemon_Refuses_Is_An_Invalid_Torrent_Error_That_Says_So()
    {
        // A v1 torrent that claims to be a hybrid without the v2 part: our parser reads its v1 part, libtorrent refuses it (HTTP 415).
        var (bytes, _, save) = await NewTorrentAsync();
        var root = (BDictionary)BencodeDecoder.Decode(bytes);
        ((BDictionary)root.Get("info")!)["meta version"] = new BInteger(2);
        var claimsHybrid = BencodeEncoder.Encode(root);
        Assert.True(MetainfoParser.Parse(claimsHybrid).IsHybrid);

        var error = await Assert.ThrowsAsync<TorrentEngineException>(() =>
            Engine.AddAsync(new TorrentAddRequest { Metainfo = claimsHybrid, SavePath = save }));

        Assert.Equal(EngineErrorKind.InvalidTorrent, error.Kind);
        Assert.Contains("not a valid torrent file (HTTP 415", error.Message, StringComparison.Ordinal);
        Assert.Contains(Engine.Description, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pause_And_Resume_Stop_And_Start_The_Torrent()
    {
        var (bytes, torrent, save) = await NewTorrentAsync();
        await Engine.AddAsync(new TorrentAddRequest { Metainfo = bytes, SavePath = save, SkipChecking = true, Paused = true });
        await TorrentWait.UntilAsync(Engine, torrent.InfoHash, t => t.Activity == TorrentActivity.Paused);

        await Engine.ResumeAsync([torrent.InfoHash]);
        await TorrentWait.UntilSeedingAsync(Engine, torrent.InfoHash);

        await Engine.PauseAsync([torrent.InfoHash, InfoHash.Parse(new string('0', 40))]);
        var paused = await TorrentWait.UntilAsync(Engine, torrent.InfoHash, t => t.Activity == TorrentActivity.Paused);
        Assert.Equal(("pausedUP", 0L), (paused.EngineState, paused.BytesLeft));
    }

    [Fact]
    public async Task Remove_Keeps_The_Files_Unless_Asked_And_An_Unknown_Torrent_Is_A_Value()
    {
        var (bytes, torrent, save) = await NewTorrentAsync();
        var file = Path.Join(save, torrent.Name, "sub", "b.bin");
        var before = await File.ReadAllBytesAsync(file);
        await Engine.AddAsync(new TorrentAddRequest { Metainfo = bytes, SavePath = save, SkipChecking = true });
        await TorrentWait.UntilSeedingAsync(Engine, torrent.InfoHash);

        Assert.Equal(EngineOutcome.Done, await Engine.RemoveAsync(torrent.InfoHash, deleteFiles: false));
        await Eventually.UntilAsync(() => Engine.GetTorrentAsync(torrent.InfoHash), t => t is null, TimeSpan.FromMilliseconds(50));
        Assert.Equal(before, await File.ReadAllBytesAsync(file));
        Assert.Equal(EngineOutcome.UnknownTorrent, await Engine.RemoveAsync(torrent.InfoHash, deleteFiles: false));

        // Asked explicitly, the daemon deletes the data.
        await Engine.AddAsync(new TorrentAddRequest { Metainfo = bytes, SavePath = save, SkipChecking = true });
        await TorrentWait.UntilSeedingAsync(Engine, torrent.InfoHash);
        Assert.Equal(EngineOutcome.Done, await Engine.RemoveAsync(torrent.InfoHash, deleteFiles: true));
        await Eventually.UntilAsync(() => Task.FromResult(File.Exists(file)), exists => !exists, TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task Files_And_Trackers_Are_Listed_And_An_Unknown_Torrent_Has_None()
    {
        var (bytes, torrent, save) = await NewTorrentAsync(announce: "http://127.0.0.1:9/announce");
        await Engine.AddAsync(new TorrentAddRequest { Metainfo = bytes, SavePath = save, SkipChecking = true });
        await TorrentWait.UntilSeedingAsync(Engine, torrent.InfoHash);

        var files = await Engine.GetFilesAsync(torrent.InfoHash);
        var trackers = await Engine.GetTrackersAsync(torrent.InfoHash);
        Assert.Equal(EngineOutcome.Done, await Engine.SetFilePriorityAsync(torrent.InfoHash, [1], FilePriority.High));

        Assert.NotNull(files);
        Assert.Equal(
            [(0, $"{torrent.Name}/a.bin", 100_000L, 1.0, FilePriority.Normal, 0, 6), (1, $"{torrent.Name}/sub/b.bin", 40_000L, 1.0, FilePriority.Normal, 6, 8)],
            files.Select(f => (f.Index, f.Path, f.Size, f.Progress, f.Priority, f.FirstPiece, f.LastPiece)));
        Assert.Equal(FilePriority.High, (await Engine.GetFilesAsync(torrent.InfoHash))![1].Priority);
        Assert.Equal("http://127.0.0.1:9/announce", Assert.Single(trackers!).Url);
        var unknown = InfoHash.Parse(new string('e', 40));
        Assert.Null(await Engine.GetFilesAsync(unknown));
        Assert.Null(await Engine.GetTrackersAsync(unknown));
        Assert.Null(await Engine.GetTorrentAsync(unknown));
        Assert.Equal(EngineOutcome.UnknownTorrent, await Engine.SetFilePriorityAsync(unknown, [0], FilePriority.Skip));
    }

    [Fact]
    public async Task Polling_Returns_Everything_First_Then_Only_What_Changed()
    {
        // A client of its own: its own session, so its first poll is a full update.
        using var engine = new QBittorrentEngine(new QBittorrentConnection { WebUiUrl = fixture.Server.Daemon.Options.WebUiUrl });
        var (bytesA, a, saveA) = await NewTorrentAsync();
        var (bytesB, b, saveB) = await NewTorrentAsync();
        await engine.AddAsync(new TorrentAddRequest { Metainfo = bytesA, SavePath = saveA, SkipChecking = true });
        await engine.AddAsync(new TorrentAddRequest { Metainfo = bytesB, SavePath = saveB, SkipChecking = true });
        await TorrentWait.UntilSeedingAsync(engine, a.InfoHash);
        await TorrentWait.UntilSeedingAsync(engine, b.InfoHash);

        var first = await engine.PollAsync();
        Assert.True(first.FullUpdate);
        Assert.Contains(first.Changed, t => t.Hash == a.InfoHash && t.Activity == TorrentActivity.Seeding);
        Assert.Contains(first.Changed, t => t.Hash == b.InfoHash);
        Assert.Equal(first.TorrentCount, first.Changed.Count);

        await engine.PauseAsync([a.InfoHash]);
        var paused = await Eventually.UntilAsync(() => engine.PollAsync(), c => c.Changed.Any(t => t.Hash == a.InfoHash && t.Activity == TorrentActivity.Paused), TimeSpan.FromMilliseconds(50));
        Assert.False(paused.FullUpdate);
        Assert.DoesNotContain(paused.Changed, t => t.Hash == b.InfoHash);
        Assert.Equal(a.Name, paused.Changed.Single(t => t.Hash == a.InfoHash).Name);

        await engine.RemoveAsync(a.InfoHash, deleteFiles: false);
        var removed = await Eventually.UntilAsync(() => engine.PollAsync(), c => c.Removed.Contains(a.InfoHash), TimeSpan.FromMilliseconds(50));
        Assert.False(removed.FullUpdate);
        Assert.Equal(first.TorrentCount - 1, removed.TorrentCount);
    }

    [Fact]
    public async Task The_Daemon_Reports_Its_Version_And_Runs_With_The_Settings_The_Node_Wrote()
    {
        var health = await Engine.CheckHealthAsync();
        using var preferences = await Engine.GetPreferencesAsync();
        var p = preferences.RootElement;

        Assert.Equal((true, "v4.5.2", "2.8.19", string.Empty, null), (health.Answering, health.Version, health.ApiVersion, health.Problem, health.Error));
        Assert.Equal(2, p.GetProperty("disk_io_type").GetInt32());
        Assert.Equal(16, p.GetProperty("max_active_checking_torrents").GetInt32());
        Assert.False(p.GetProperty("queueing_enabled").GetBoolean());
        Assert.True(p.GetProperty("enable_multi_connections_from_same_ip").GetBoolean());
        Assert.False(p.GetProperty("upnp").GetBoolean());
        Assert.False(p.GetProperty("resolve_peer_countries").GetBoolean());
        Assert.False(p.GetProperty("dht").GetBoolean());
        Assert.False(p.GetProperty("pex").GetBoolean());
        Assert.False(p.GetProperty("lsd").GetBoolean());
        Assert.Equal("127.0.0.1", p.GetProperty("web_ui_address").GetString());
        Assert.True(p.GetProperty("bypass_local_auth").GetBoolean());
        Assert.Equal(fixture.Server.Daemon.Options.ListenPort, p.GetProperty("listen_port").GetInt32());
        Assert.Equal("127.0.0.1", p.GetProperty("current_interface_address").GetString());
        Assert.Equal(100, p.GetProperty("refresh_interval").GetInt32());
        Assert.Equal(-1, p.GetProperty("max_ratio").GetDouble());
        Assert.Equal(0, p.GetProperty("bittorrent_protocol").GetInt32());
    }

    [Fact]
    public async Task A_Daemon_Told_To_Use_Tcp_Alone_Runs_So()
    {
        await using var server = await QBittorrentServer.StartAsync(o => o with { PeerProtocol = PeerProtocol.Tcp });
        using var preferences = await server.Engine.GetPreferencesAsync();

        // qBittorrent's numbers: 0 TCP and uTP, 1 TCP, 2 uTP.
        Assert.Equal(1, preferences.RootElement.GetProperty("bittorrent_protocol").GetInt32());
    }

    [Fact]
    public async Task A_Daemon_That_Is_Not_Running_Is_Unavailable_With_A_Message_That_Says_So()
    {
        using var engine = new QBittorrentEngine(new QBittorrentConnection { WebUiUrl = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/") });

        var health = await engine.CheckHealthAsync();
        var error = await Assert.ThrowsAsync<TorrentEngineException>(() => engine.PollAsync());

        Assert.Equal((false, false, EngineErrorKind.Unavailable), (health.Answering, health.IsUp, health.Error));
        Assert.Equal(EngineErrorKind.Unavailable, error.Kind);
        Assert.Equal($"{engine.Description} does not answer (connection refused: is qbittorrent-nox running, with its WebUI on this port?)", error.Message);
        Assert.Equal(error.Message, health.Problem);
    }
}
