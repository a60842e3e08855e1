using System.Text.Json;
using LibraryCluster.Torrents.Engines;
using LibraryCluster.Torrents.Engines.QBittorrent;
using LibraryCluster.Torrents.Engines.QBittorrent.Json;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Tests.Engines;

public sealed class QBittorrentSyncTests
{
    private const string A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    /// <summary>Applies a maindata answer written with @A and @B for the two hashes.</summary>
    private static EngineChanges Apply(QBittorrentSync sync, string json) =>
        sync.Apply(JsonSerializer.Deserialize(json.Replace("@A", A, StringComparison.Ordinal).Replace("@B", B, StringComparison.Ordinal), QbJsonContext.Default.QbMaindata)!);

    [Fact]
    public void A_Full_Update_Returns_Every_Torrent_With_Its_State()
    {
        var sync = new QBittorrentSync();

        var changes = Apply(sync, """
            {"rid":1,"full_update":true,"torrents":{
              "@A":{"name":"r_000","state":"stalledUP","progress":1,"amount_left":0,"size":100,"total_size":100,"save_path":"/v/a","num_seeds":0,"num_leechs":2,"num_complete":5,"num_incomplete":-1,"added_on":1700000000,"completion_on":-1,"dlspeed":0,"upspeed":300},
              "@B":{"name":"r_1000","state":"downloading","progress":0.25,"amount_left":75,"size":100,"total_size":200}},
             "server_state":{"dl_info_speed":10,"up_info_speed":300,"connection_status":"connected","free_space_on_disk":12345}}
            """);

        Assert.True(changes.FullUpdate);
        Assert.Equal(1, sync.Rid);
        Assert.Equal(2, changes.TorrentCount);
        Assert.Empty(changes.Removed);
        var a = changes.Changed.Single(t => t.Hash == InfoHash.Parse(A));
        Assert.Equal(new EngineTorrent
        {
            Hash = InfoHash.Parse(A),
            Name = "r_000",
            Activity = TorrentActivity.Seeding,
            EngineState = "stalledUP",
            Progress = 1,
            BytesLeft = 0,
            WantedSize = 100,
            TotalSize = 100,
            SavePath = "/v/a",
            UploadBytesPerSecond = 300,
            ConnectedPeers = 2,
            SwarmSeeds = 5,
            SwarmPeers = -1,
            AddedOn = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
            CompletedOn = null,
        }, a);
        Assert.True(a.IsComplete);
        var b = changes.Changed.Single(t => t.Hash == InfoHash.Parse(B));
        Assert.Equal((TorrentActivity.Downloading, 75, 200), (b.Activity, b.BytesLeft, b.TotalSize));
        Assert.False(b.IsComplete);
        Assert.Equal(new EngineTransfer { DownloadBytesPerSecond = 10, UploadBytesPerSecond = 300, ConnectionStatus = "connected", FreeSpaceOnDisk = 12345 }, changes.Transfer);
    }

    [Fact]
    public void A_Partial_Update_Changes_Only_The_Fields_It_Carries_And_Returns_Only_Those_Torrents()
    {
        var sync = new QBittorrentSync();
        Apply(sync, """
            {"rid":1,"full_update":true,"torrents":{
              "@A":{"name":"r_000","state":"stalledUP","progress":1,"amount_left":0,"size":100,"total_size":100},
              "@B":{"name":"r_1000","state":"downloading","progress":0.25,"amount_left":75,"size":100,"total_size":100}},
             "server_state":{"dl_info_speed":10,"up_info_speed":0,"connection_status":"connected"}}
            """);

        var changes = Apply(sync, """{"rid":2,"torrents":{"@B":{"progress":1,"amount_left":0,"state":"stalledUP","completion_on":1700000100}},"server_state":{"dl_info_speed":0}}""");

        Assert.False(changes.FullUpdate);
        Assert.Equal(2, sync.Rid);
        var b = Assert.Single(changes.Changed);
        Assert.Equal(InfoHash.Parse(B), b.Hash);
        Assert.Equal(("r_1000", TorrentActivity.Seeding, 1.0, 0L, 100L), (b.Name, b.Activity, b.Progress, b.BytesLeft, b.TotalSize));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_100), b.CompletedOn);
        Assert.Equal(0, changes.Transfer.DownloadBytesPerSecond);
        Assert.Equal("connected", changes.Transfer.ConnectionStatus);
        Assert.Equal(2, changes.TorrentCount);
    }

    [Fact]
    public void Removed_Torrents_Are_Reported_Once_And_Forgotten()
    {
        var sync = new QBittorrentSync();
        Apply(sync, """{"rid":1,"full_update":true,"torrents":{"@A":{"state":"pausedUP"},"@B":{"state":"pausedUP"}}}""");

        var changes = Apply(sync, """{"rid":2,"torrents_removed":["@A","cccccccccccccccccccccccccccccccccccccccc"]}""");

        Assert.Equal([InfoHash.Parse(A)], changes.Removed);
        Assert.Empty(changes.Changed);
        Assert.Equal(1, changes.TorrentCount);
    }

    [Fact]
    public void A_Later_Full_Update_Replaces_Everything_And_Lists_What_Disappeared()
    {
        var sync = new QBittorrentSync();
        Apply(sync, """{"rid":5,"full_update":true,"torrents":{"@A":{"name":"old","state":"stalledUP","num_seeds":3},"@B":{"state":"pausedUP"}}}""");

        // The daemon restarted: it knows nothing of rid 5 and sends everything again.
        var changes = Apply(sync, """{"rid":1,"full_update":true,"torrents":{"@A":{"state":"checkingResumeData"}}}""");

        Assert.True(changes.FullUpdate);
        Assert.Equal([InfoHash.Parse(B)], changes.Removed);
        var a = Assert.Single(changes.Changed);
        Assert.Equal((string.Empty, TorrentActivity.Checking, 0), (a.Name, a.Activity, a.ConnectedSeeds));
        Assert.False(a.IsComplete);
        Assert.Equal(1, sync.Rid);
    }

    [Fact]
    public void Keys_That_Are_Not_Info_Hashes_Are_Skipped()
    {
        var sync = new QBittorrentSync();

        var changes = Apply(sync, """{"rid":1,"full_update":true,"torrents":{"not-a-hash":{"state":"stalledUP"},"@A":{"state":"someNewState"}}}""");

        var a = Assert.Single(changes.Changed);
        Assert.Equal((TorrentActivity.Unknown, "someNewState"), (a.Activity, a.EngineState));
        Assert.False(a.IsComplete);
    }

    [Theory]
    [InlineData("uploading", TorrentActivity.Seeding)]
    [InlineData("forcedUP", TorrentActivity.Seeding)]
    [InlineData("stalledDL", TorrentActivity.Downloading)]
    [InlineData("metaDL", TorrentActivity.Downloading)]
    [InlineData("pausedDL", TorrentActivity.Paused)]
    [InlineData("checkingUP", TorrentActivity.Checking)]
    [InlineData("queuedUP", TorrentActivity.Queued)]
    [InlineData("moving", TorrentActivity.Moving)]
    [InlineData("missingFiles", TorrentActivity.MissingFiles)]
    [InlineData("error", TorrentActivity.Error)]
    [InlineData(null, TorrentActivity.Unknown)]
    public void States_Map_To_Activities(string? state, TorrentActivity activity) =>
        Assert.Equal(activity, QBittorrentStates.ToActivity(state));
}
