using LibraryCluster.Testing;
using LibraryCluster.Torrents.Metainfo;
using LibraryCluster.Torrents.Trackers;

namespace LibraryCluster.Torrents.Tests.Trackers;

/// <summary>
/// Scraping a real opentracker on 127.0.0.1 over HTTP and UDP. 150 whitelisted torrents (more than two UDP batches,
/// more than two HTTP batches), each given a known swarm by plain HTTP announces: torrent i has i % 4 seeders,
/// i % 3 leechers, and one completed download when i % 5 == 0; torrent 150 is whitelisted but never announced.
/// </summary>
[Trait("Category", "Swarm")]
public sealed class OpentrackerScrapeTests : IAsyncLifetime
{
    private const int Torrents = 150;
    private readonly List<InfoHash> _hashes = Enumerable.Range(0, Torrents)
        .Select(i => InfoHash.Compute(BitConverter.GetBytes(i)))
        .ToList();

    private OpentrackerServer _tracker = null!;

    public async Task InitializeAsync()
    {
        _tracker = await OpentrackerServer.StartAsync(_hashes);
        try
        {
            await AnnounceSwarmsAsync();
        }
        catch
        {
            // xunit does not call DisposeAsync when InitializeAsync fails.
            await _tracker.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync() => await _tracker.DisposeAsync();

    private async Task AnnounceSwarmsAsync()
    {
        for (var i = 0; i < Torrents - 1; i++)
        {
            for (var s = 0; s < i % 4; s++)
            {
                await _tracker.AnnounceAsync(_hashes[i], 20000 + s, left: 0, s == 0 && i % 5 == 0 ? "completed" : "started");
            }

            for (var l = 0; l < i % 3; l++)
            {
                await _tracker.AnnounceAsync(_hashes[i], 30000 + l, left: 1000, "started");
            }

            if (i % 4 == 0 && i % 5 == 0)
            {
                // No seeder to carry the completed event: a leecher that finished and left.
                await _tracker.AnnounceAsync(_hashes[i], 40000, left: 0, "completed");
                await _tracker.AnnounceAsync(_hashes[i], 40000, left: 0, "stopped");
            }
        }
    }

    private ScrapeCounts Expected(int i) => i == Torrents - 1 ? default : new(i % 4, i % 5 == 0 ? 1 : 0, i % 3);

    [Fact]
    public async Task Http_scrape_gives_the_exact_counts_of_every_torrent()
    {
        using var scraper = new TrackerScraper();

        var report = await scraper.ScrapeAsync(_tracker.HttpAnnounceUrl, _hashes);

        Assert.True(report.Error is null, report.Error?.Message);
        Assert.Empty(report.NotScraped);
        Assert.Equal(Enumerable.Range(0, Torrents).Select(Expected), _hashes.Select(h => report.Counts[h]));
    }

    [Fact]
    public async Task Udp_scrape_gives_the_exact_counts_of_every_torrent()
    {
        using var scraper = new TrackerScraper();

        var report = await scraper.ScrapeAsync(_tracker.UdpAnnounceUrl, _hashes);

        Assert.True(report.Error is null, report.Error?.Message);
        Assert.Empty(report.NotScraped);
        Assert.Equal(Enumerable.Range(0, Torrents).Select(Expected), _hashes.Select(h => report.Counts[h]));
    }

    [Fact]
    public async Task Both_protocols_scraped_at_once_agree()
    {
        using var scraper = new TrackerScraper();

        var reports = await scraper.ScrapeAllAsync([(_tracker.HttpAnnounceUrl, _hashes), (_tracker.UdpAnnounceUrl, _hashes)]);

        Assert.Equal([_tracker.HttpAnnounceUrl, _tracker.UdpAnnounceUrl], reports.Select(r => r.Tracker));
        Assert.Equal(reports[0].Counts.OrderBy(p => p.Key.ToString()), reports[1].Counts.OrderBy(p => p.Key.ToString()));
    }
}
