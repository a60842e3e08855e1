using System.Net.Http.Headers;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Host.Configuration;
using LibraryCluster.Host.Node;
using LibraryCluster.Host.Swarm;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Metainfo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace LibraryCluster.Host.Tests;

/// <summary>
/// The node scrapes the trackers of what it holds on its own schedule: a real opentracker on 127.0.0.1 with known
/// swarms; the counts land in the node's database and on the dashboard. No BitTorrent daemon is involved.
/// </summary>
[Trait("Category", "Swarm")]
public sealed class ScrapeServiceTests
{
    [Fact]
    public async Task The_node_scrapes_what_it_holds_on_its_schedule_and_shows_the_seeder_counts()
    {
        using var temp = new TempDirectory();
        var port = OpentrackerServer.FreePort();
        var options = new NodeOptions { DataDirectory = temp.Path };
        await DemoCollection.PrepareAsync(options, NullLogger.Instance, CancellationToken.None, DemoCollection.Sample with
        {
            OutputDirectory = string.Empty, Books = 300, Fiction = 0, Scimag = 0, IdGap = 8, SizeScale = 0.01, Announce = $"http://127.0.0.1:{port}/announce",
        });
        var torrents = Directory.GetFiles(options.EffectiveWatchDirectory, "*.torrent")
            .Select(f => (Name: Path.GetFileNameWithoutExtension(f), MetainfoParser.Parse(File.ReadAllBytes(f)).InfoHash))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        Assert.True(torrents.Count >= 2);

        // The first torrent has 3 seeders and a leecher; the others nobody.
        await using var tracker = await OpentrackerServer.StartAsync([.. torrents.Select(t => t.InfoHash)], port);
        for (var peer = 0; peer < 3; peer++)
        {
            await tracker.AnnounceAsync(torrents[0].InfoHash, 20000 + peer, left: 0, "started");
        }

        await tracker.AnnounceAsync(torrents[0].InfoHash, 30000, left: 1000, "started");

        await using var app = NodeApplication.Create(
        [
            "--urls", "http://127.0.0.1:0",
            "--data-dir", temp.Path,
            "--admin-token", "scrape-test-token",
            "--Swarm:ScrapeInterval=00:00:01",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        var scraping = app.Services.GetRequiredService<ScrapeService>();
        var store = app.Services.GetRequiredService<ScrapeStore>();

        // Rounds run every second over what the node holds; once all is registered, a round counts every torrent.
        await Eventually.UntilAsync(() => Task.FromResult(scraping.Last), last => last is { WithCounts: var counted } && counted == torrents.Count, TimeSpan.FromMilliseconds(100));
        var first = Assert.Single(store.Read([torrents[0].InfoHash.ToString()]));
        Assert.Equal(new Torrents.Trackers.ScrapeCounts(3, 0, 1), first.Counts);
        Assert.Null(first.Error);
        Assert.All(store.Read([.. torrents.Skip(1).Select(t => t.InfoHash.ToString())]), s => Assert.Equal(new Torrents.Trackers.ScrapeCounts(0, 0, 0), s.Counts));

        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "scrape-test-token");
        var dashboard = await client.GetStringAsync("/admin");
        var row = dashboard[dashboard.IndexOf($"data-torrent=\"{torrents[0].Name}\"", StringComparison.Ordinal)..];
        Assert.Contains("class=\"seeders\"", row, StringComparison.Ordinal);
        Assert.Contains(">3 / 1<", row[..row.IndexOf("</tr>", StringComparison.Ordinal)], StringComparison.Ordinal);
        Assert.Contains($"{torrents.Count} of {torrents.Count} torrents counted; 1 of 1 trackers answered", dashboard, StringComparison.Ordinal);
        await app.StopAsync();
    }
}
