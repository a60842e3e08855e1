using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Trackers;

/// <summary>
/// Asks trackers how many seeders, leechers and completed downloads their torrents have: HTTP(S) trackers by
/// BEP 48 scrape, UDP trackers by BEP 15, in batches, with timeouts and a per-tracker back-off. A failure is a
/// value in the report (which tracker, what went wrong), never an exception, so one dead tracker does not stop
/// the others.
/// </summary>
public sealed class TrackerScraper : IDisposable
{
    private readonly ScrapeOptions _options;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;

    public TrackerScraper(ScrapeOptions? options = null, TimeProvider? time = null)
    {
        _options = options ?? new ScrapeOptions();
        _options.Validate();
        _time = time ?? TimeProvider.System;
        Backoff = new TrackerBackoff(_options.BackoffInitial, _options.BackoffMax, _time);
        // No pooled connections: trackers such as opentracker close each connection after one reply (without saying
        // so), and a request sent on such a connection is reset.
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true, MaxAutomaticRedirections = 3, UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("LibraryCluster/1.0");
    }

    public TrackerBackoff Backoff { get; }

    /// <summary>Every tracker a torrent names (announce, then the announce-list's tiers), once each.</summary>
    /// <summary>The scrapes to make for <paramref name="torrents"/>: each tracker any of them names, with the info-hashes naming it.</summary>
    public static IReadOnlyList<(string Tracker, IReadOnlyCollection<InfoHash> Hashes)> GroupByTracker(IEnumerable<TorrentMetainfo> torrents) =>
        torrents
            .SelectMany(t => TrackersOf(t).Select(tracker => (Tracker: tracker, t.InfoHash)))
            .GroupBy(w => w.Tracker, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyCollection<InfoHash>)g.Select(w => w.InfoHash).Distinct().ToList()))
            .ToList();

    public static IReadOnlyList<string> TrackersOf(TorrentMetainfo torrent) =>
        new[] { torrent.Announce }.Concat(torrent.AnnounceList.SelectMany(tier => tier))
            .Where(url => !string.IsNullOrWhiteSpace(url)).Select(url => url!.Trim()).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Scrapes one tracker for <paramref name="hashes"/> (any number; batched).</summary>
    public async Task<TrackerScrapeReport> ScrapeAsync(string tracker, IReadOnlyCollection<InfoHash> hashes, CancellationToken cancellationToken = default)
    {
        var pending = hashes.Distinct().ToList();
        var counts = new Dictionary<InfoHash, ScrapeCounts>();
        TrackerScrapeReport Report(TrackerException? error) => new(tracker, _time.GetUtcNow(), counts, pending.Where(h => !counts.ContainsKey(h)).ToList(), error);

        Uri url;
        try
        {
            url = ScrapeUrl.FromAnnounce(tracker);
        }
        catch (TrackerException e)
        {
            return Report(e);
        }

        if (Backoff.IsBackingOff(tracker, out var until, out var failures, out var lastError))
        {
            return Report(new TrackerException(tracker, TrackerProblem.BackingOff,
                $"not asked until {until:u} after {failures} failure{(failures == 1 ? string.Empty : "s")} in a row (last: {lastError})"));
        }

        var udp = url.Scheme == "udp" ? new UdpScraper(tracker, url, _options, _time) : null;
        var http = udp is null ? new HttpScraper(_http, _options, _time) : null;
        try
        {
            foreach (var batch in pending.Chunk(udp is null ? _options.HttpBatchSize : _options.UdpBatchSize))
            {
                if (udp is not null)
                {
                    var replies = await udp.ScrapeAsync(batch, cancellationToken).ConfigureAwait(false);
                    for (var i = 0; i < batch.Length; i++)
                    {
                        counts[batch[i]] = replies[i];
                    }
                }
                else
                {
                    foreach (var (hash, value) in await http!.ScrapeAsync(tracker, url, batch, cancellationToken).ConfigureAwait(false))
                    {
                        counts[hash] = value;
                    }
                }
            }
        }
        catch (TrackerException e)
        {
            Backoff.Failed(tracker, e.Detail);
            return Report(e);
        }
        finally
        {
            udp?.Dispose();
        }

        Backoff.Succeeded(tracker);
        return Report(null);
    }

    /// <summary>Scrapes several trackers, up to <see cref="ScrapeOptions.MaxParallelTrackers"/> at once; one report per tracker, in the order given.</summary>
    public async Task<IReadOnlyList<TrackerScrapeReport>> ScrapeAllAsync(IReadOnlyList<(string Tracker, IReadOnlyCollection<InfoHash> Hashes)> work, CancellationToken cancellationToken = default)
    {
        var reports = new TrackerScrapeReport[work.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, work.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelTrackers, CancellationToken = cancellationToken },
            async (i, token) => reports[i] = await ScrapeAsync(work[i].Tracker, work[i].Hashes, token).ConfigureAwait(false)).ConfigureAwait(false);
        return reports;
    }

    public void Dispose() => _http.Dispose();
}
