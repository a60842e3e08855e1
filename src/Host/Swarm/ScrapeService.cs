using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Node;
using LibraryCluster.Host.Configuration;
using LibraryCluster.Torrents.Trackers;
using Microsoft.Extensions.Options;

namespace LibraryCluster.Host.Swarm;

/// <summary>The last round of scrapes: when, how many torrents, how many trackers answered.</summary>
public sealed record ScrapeRound(DateTimeOffset At, int Torrents, int WithCounts, int Trackers, int TrackersAnswered);

/// <summary>
/// Asks the trackers of every torrent the node holds how many seeders and leechers each has: soon after start and
/// then every <c>Swarm:ScrapeInterval</c> (HTTP by BEP 48, UDP by BEP 15, with the scrape client's timeouts and
/// back-off). The counts go into the node's database (the cluster's, in a cluster) with their time, where the
/// dashboard, <c>libcluster holdings plan</c> and the holdings policy read them. Needs no BitTorrent daemon.
/// </summary>
public sealed partial class ScrapeService(IOptions<SwarmOptions> options, MirrorNode node, ScrapeStore store, ILogger<ScrapeService> logger) : BackgroundService
{
    /// <summary>The first round waits this long after start (or the interval, if shorter): the node registers its torrents first.</summary>
    private static readonly TimeSpan FirstRoundAfter = TimeSpan.FromSeconds(30);

    /// <summary>The last finished round; null before the first.</summary>
    public ScrapeRound? Last { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ScrapeInterval;
        if (interval <= TimeSpan.Zero)
        {
            LogOff(logger);
            return;
        }

        try
        {
            await Task.Delay(interval < FirstRoundAfter ? interval : FirstRoundAfter, stoppingToken).ConfigureAwait(false);
            using var timer = new PeriodicTimer(interval);
            do
            {
                await ScrapeAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One round over every torrent held now; a tracker that fails keeps its torrents' last good counts.</summary>
    public async Task ScrapeAsync(CancellationToken cancellationToken)
    {
        var torrents = node.View.Torrents.Select(t => t.Metainfo).ToList();
        var work = TrackerScraper.GroupByTracker(torrents);
        using var scraper = new TrackerScraper();
        IReadOnlyList<TrackerScrapeReport> reports;
        try
        {
            reports = await scraper.ScrapeAllAsync(work, cancellationToken).ConfigureAwait(false);
            foreach (var report in reports)
            {
                store.Record(report);
            }
        }
        catch (ClusterStoreException e)
        {
            // The database is away: the next round tries again; the counts stored before stay.
            LogStoreFailed(logger, e.Message);
            return;
        }

        Last = new ScrapeRound(
            DateTimeOffset.UtcNow,
            torrents.Count,
            reports.SelectMany(r => r.Counts.Keys).Distinct().Count(),
            reports.Count,
            reports.Count(r => r.Error is null));
        foreach (var failed in reports.Where(r => r.Error is not null))
        {
            LogTrackerFailed(logger, failed.Tracker, failed.Error!.Detail);
        }

        LogRound(logger, Last.Torrents, Last.WithCounts, Last.TrackersAnswered, Last.Trackers);
    }

    [LoggerMessage(7201, LogLevel.Information, "scrape: off (Swarm:ScrapeInterval is 0)")]
    private static partial void LogOff(ILogger logger);

    [LoggerMessage(7202, LogLevel.Information, "scrape: {Torrents} torrents, {WithCounts} with counts; {Answered} of {Trackers} trackers answered")]
    private static partial void LogRound(ILogger logger, int torrents, int withCounts, int answered, int trackers);

    [LoggerMessage(7203, LogLevel.Warning, "scrape: {Tracker} did not answer: {Detail}")]
    private static partial void LogTrackerFailed(ILogger logger, string tracker, string detail);

    [LoggerMessage(7204, LogLevel.Warning, "scrape: the counts could not be stored ({Detail}); the next round tries again")]
    private static partial void LogStoreFailed(ILogger logger, string detail);
}
