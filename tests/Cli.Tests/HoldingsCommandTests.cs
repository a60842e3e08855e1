using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Cli.Tests;

/// <summary><c>libcluster torrent scrape</c> and <c>libcluster holdings plan</c> as operators run them.</summary>
public sealed class HoldingsCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A single-file torrent of <paramref name="size"/> bytes in torrents/NAME.torrent, announcing to <paramref name="announce"/>.</summary>
    private async Task<InfoHash> TorrentAsync(string name, int size, string announce)
    {
        var data = _temp.Write($"data/{name}.bin", TestData.Bytes(size, name.GetHashCode(StringComparison.Ordinal)));
        var bytes = await TorrentBuilder.FromFileAsync(data, new TorrentBuildOptions { PieceLength = 16384, Announce = announce });
        _temp.Write($"torrents/{name}.torrent", bytes);
        return MetainfoParser.Parse(bytes).InfoHash;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    [Trait("Category", "Swarm")]
    public async Task Scrape_stores_the_counts_of_a_real_tracker_and_the_plan_fills_fewest_seeders_per_byte_first()
    {
        // The info-hash does not cover the announce URL: make the torrents, whitelist them, then point them at the tracker.
        (string Name, int Size)[] torrents = [("r_1000", 40_000), ("r_2000", 20_000), ("r_3000", 20_000)];
        var hashes = new List<InfoHash>();
        foreach (var (name, size) in torrents)
        {
            hashes.Add(await TorrentAsync(name, size, "http://127.0.0.1:1/announce"));
        }

        await using var tracker = await OpentrackerServer.StartAsync(hashes);
        await TorrentAsync("r_1000", 40_000, tracker.HttpAnnounceUrl);
        await TorrentAsync("r_2000", 20_000, tracker.UdpAnnounceUrl);
        await TorrentAsync("r_3000", 20_000, tracker.HttpAnnounceUrl);
        // r_1000: 1 seeder, 2 leechers, twice the size; r_2000: 3 seeders; r_3000: nobody.
        await tracker.AnnounceAsync(hashes[0], 20000, left: 0);
        await tracker.AnnounceAsync(hashes[0], 20001, left: 5);
        await tracker.AnnounceAsync(hashes[0], 20002, left: 5);
        for (var port = 20000; port < 20003; port++)
        {
            await tracker.AnnounceAsync(hashes[1], port, left: 0);
        }

        var db = _temp.Join("node.db");
        var scrape = await CliRunner.RunAsync("torrent", "scrape", _temp.Join("torrents"), "--db", db);
        var plan = await CliRunner.RunAsync("holdings", "plan", _temp.Join("torrents"), "--max-tb", "0.0000001", "--db", db, "--json");
        var tight = await CliRunner.RunAsync("holdings", "plan", _temp.Join("torrents"), "--max-tb", "0.00000005", "--db", db);

        Assert.True(scrape.ExitCode == ExitCodes.Ok, scrape.Output + scrape.Error);
        Assert.Contains("3 torrents, 3 with counts from at least one tracker; 2 of 2 trackers answered", scrape.Output, StringComparison.Ordinal);
        var rows = new ScrapeStore(ClusterDatabase.Sqlite(db)).Read().ToDictionary(r => r.InfoHash);
        Assert.Equal((new Torrents.Trackers.ScrapeCounts(1, 0, 2), tracker.HttpAnnounceUrl), (rows[hashes[0].ToString()].Counts!.Value, rows[hashes[0].ToString()].Tracker));
        Assert.Equal((new Torrents.Trackers.ScrapeCounts(3, 0, 0), tracker.UdpAnnounceUrl), (rows[hashes[1].ToString()].Counts!.Value, rows[hashes[1].ToString()].Tracker));
        Assert.Equal(new Torrents.Trackers.ScrapeCounts(0, 0, 0), rows[hashes[2].ToString()].Counts);

        // Average size 30,000: r_1000 scores (1 + 0.2) × 0.75 = 0.9, r_2000 scores 3 × 1.5 = 4.5.
        Assert.True(plan.ExitCode == ExitCodes.Ok, plan.Error);
        using var json = JsonDocument.Parse(plan.Output);
        var chosen = json.RootElement.GetProperty("chosen").EnumerateArray().ToList();
        Assert.Equal(["r_1000", "r_2000"], chosen.Select(c => c.GetProperty("name").GetString()));
        Assert.Equal([0.9, 4.5], chosen.Select(c => c.GetProperty("score").GetDouble()));
        Assert.Equal([40_000L, 60_000], chosen.Select(c => c.GetProperty("runningTotal").GetInt64()));
        var dead = Assert.Single(json.RootElement.GetProperty("notChosen").EnumerateArray());
        Assert.Equal(("r_3000", "no seeders and not held: nothing to fetch it from"), (dead.GetProperty("name").GetString(), dead.GetProperty("reason").GetString()));

        Assert.True(tight.ExitCode == ExitCodes.Ok, tight.Error);
        Assert.Contains("Chosen: 1 torrents, 39.1 KiB of the 48.8 KiB allowed (0.00000005 TB); 39.1 KiB to fetch, 0 already held", tight.Output, StringComparison.Ordinal);
        Assert.Contains("r_2000 (19.5 KiB, 3 seeders, 0 leechers): does not fit", tight.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tracker_that_refuses_is_named_with_the_reason_its_error_is_stored_and_the_exit_code_is_4()
    {
        var url = $"http://127.0.0.1:{ClosedPort()}/announce";
        var hash = await TorrentAsync("r_1000", 20_000, url);
        var db = _temp.Join("node.db");

        var (code, output, error) = await CliRunner.RunAsync("torrent", "scrape", _temp.Join("torrents"), "--db", db, "--timeout", "5");

        Assert.True(code == ExitCodes.Partial, error);
        Assert.Contains(url, output, StringComparison.Ordinal);
        Assert.Contains("Unreachable: connection refused", output, StringComparison.Ordinal);
        var row = Assert.Single(new ScrapeStore(ClusterDatabase.Sqlite(db)).Read());
        Assert.Equal((hash.ToString(), url, (string?)"connection refused (http://127.0.0.1:"), (row.InfoHash, row.Tracker, row.Error?[..37]));
        Assert.Null(row.Counts);
    }

    [Fact]
    public async Task A_plan_before_any_scrape_places_every_torrent_as_unknown_and_says_so()
    {
        await TorrentAsync("r_1000", 20_000, "udp://127.0.0.1:1/announce");
        await TorrentAsync("r_2000", 30_000, "udp://127.0.0.1:1/announce");
        var db = _temp.Join("node.db");
        _ = new ScrapeStore(ClusterDatabase.Sqlite(db));

        var (code, output, error) = await CliRunner.RunAsync("holdings", "plan", _temp.Join("torrents"), "--max-tb", "0.00000003", "--db", db, "--json");

        Assert.True(code == ExitCodes.Ok, error);
        using var json = JsonDocument.Parse(output);
        var chosen = json.RootElement.GetProperty("chosen");
        Assert.Equal(["r_1000"], chosen.EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal("NeverScraped", chosen[0].GetProperty("knowledge").GetString());
        var notChosen = Assert.Single(json.RootElement.GetProperty("notChosen").EnumerateArray());
        Assert.Equal("does not fit: 10,000 bytes left", notChosen.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("--max-tb", "-1", "--max-tb -1: give a size from 0")]
    [InlineData("--max-age-days", "0", "--max-age-days 0: give days above 0")]
    public async Task Bad_options_exit_2_with_what_was_wrong(string option, string value, string expected)
    {
        await TorrentAsync("r_1000", 1000, "udp://127.0.0.1:1/announce");
        var db = _temp.Join("node.db");
        _ = new ScrapeStore(ClusterDatabase.Sqlite(db));
        string[] args = option == "--max-tb"
            ? ["holdings", "plan", _temp.Join("torrents"), "--db", db, option, value]
            : ["holdings", "plan", _temp.Join("torrents"), "--db", db, "--max-tb", "1", option, value];

        var (code, _, error) = await CliRunner.RunAsync(args);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_database_or_two_databases_exit_2()
    {
        await TorrentAsync("r_1000", 1000, "udp://127.0.0.1:1/announce");

        var missing = await CliRunner.RunAsync("holdings", "plan", _temp.Join("torrents"), "--max-tb", "1", "--db", _temp.Join("nope.db"));
        var both = await CliRunner.RunAsync("holdings", "plan", _temp.Join("torrents"), "--max-tb", "1", "--db", _temp.Join("nope.db"), "--postgres", "Host=127.0.0.1");

        Assert.Equal(ExitCodes.BadInput, missing.ExitCode);
        Assert.Contains("nope.db: no database here", missing.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, both.ExitCode);
        Assert.Contains("either --db PATH", both.Error, StringComparison.Ordinal);
    }
}
