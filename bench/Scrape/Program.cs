using System.Diagnostics;
using System.Globalization;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Metainfo;
using LibraryCluster.Torrents.Trackers;

// Usage: LibraryCluster.Bench.Scrape [TORRENTS] [ROUNDS]
// Starts a private opentracker on 127.0.0.1 with TORRENTS whitelisted info-hashes, announces one seeder to each
// (plain HTTP announces), then scrapes all of them ROUNDS times over HTTP (BEP 48, 64 per request) and over UDP
// (BEP 15, 74 per packet), one tracker conversation at a time as the CLI does per tracker. Prints hashes/s per
// round and the median, and checks every count (1 seeder, 0 leechers).
var invariant = CultureInfo.InvariantCulture;
var count = args.Length > 0 ? int.Parse(args[0], invariant) : 10_000;
var rounds = args.Length > 1 ? int.Parse(args[1], invariant) : 5;
Console.WriteLine(string.Create(invariant, $"runtime {Environment.Version}, {Environment.ProcessorCount} cores; {count} torrents, {rounds} rounds"));

var hashes = Enumerable.Range(0, count).Select(i => InfoHash.Compute(BitConverter.GetBytes(i))).ToList();
await using var tracker = await OpentrackerServer.StartAsync(hashes);
var announcing = Stopwatch.StartNew();
foreach (var hash in hashes)
{
    await tracker.AnnounceAsync(hash, 20000, left: 0, "started");
}

Console.WriteLine(string.Create(invariant, $"announced {count} seeders in {announcing.Elapsed.TotalSeconds:F1} s ({count / announcing.Elapsed.TotalSeconds:F0} announces/s)"));

using var scraper = new TrackerScraper();
foreach (var (name, url) in new[] { ("HTTP", tracker.HttpAnnounceUrl), ("UDP", tracker.UdpAnnounceUrl) })
{
    await scraper.ScrapeAsync(url, hashes.Take(500).ToList()); // warm-up
    var rates = new List<double>();
    for (var round = 0; round < rounds; round++)
    {
        var watch = Stopwatch.StartNew();
        var report = await scraper.ScrapeAsync(url, hashes);
        watch.Stop();
        if (report.Error is not null || report.Counts.Count != count || report.Counts.Values.Any(c => c != new ScrapeCounts(1, 0, 0)))
        {
            throw new InvalidOperationException($"{name} round {round}: wrong result: {report.Error?.Message ?? "counts differ"}");
        }

        rates.Add(count / watch.Elapsed.TotalSeconds);
        Console.WriteLine(string.Create(invariant, $"{name} round {round + 1}: {watch.Elapsed.TotalMilliseconds:F0} ms, {rates[^1]:F0} hashes/s"));
    }

    rates.Sort();
    Console.WriteLine(string.Create(invariant, $"{name}: median {rates[rates.Count / 2]:F0} hashes/s, best {rates[^1]:F0} hashes/s"));
}
