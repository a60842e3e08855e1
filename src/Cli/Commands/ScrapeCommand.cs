using System.CommandLine;
using System.Globalization;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Torrents.Metainfo;
using LibraryCluster.Torrents.Trackers;
using Spectre.Console;

namespace LibraryCluster.Cli.Commands;

/// <summary><c>libcluster torrent scrape</c>: ask the trackers of .torrent files for seeder counts and store them.</summary>
internal static class ScrapeCommand
{
    public static Command Build()
    {
        var paths = new Argument<FileSystemInfo[]>("TORRENT") { Description = ".torrent files, or folders whose *.torrent files to take (e.g. mirror/torrents).", Arity = ArgumentArity.OneOrMore };
        var where = NodeDatabaseOptions.Create();
        var timeout = new Option<double>("--timeout") { Description = "Seconds: the HTTP timeout, and the first UDP wait (doubled on each retry, as BEP 15 says).", DefaultValueFactory = _ => new ScrapeOptions().UdpTimeout.TotalSeconds };
        var retries = new Option<int>("--udp-retries") { Description = "UDP retransmissions after a wait without reply (0–8).", DefaultValueFactory = _ => new ScrapeOptions().UdpRetransmissions };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var command = new Command(
            "scrape",
            "Ask every tracker the torrents name (announce and announce-list; HTTP by BEP 48, UDP by BEP 15) how many seeders, leechers and completed downloads each torrent has, and store the answers with their time in the node's or cluster's database, where 'libcluster holdings plan' reads them. A tracker that fails keeps its torrents' last good counts and records the error. Exit 0: every tracker answered; 4: some trackers failed or some files were skipped (the report says which and why); 2: bad input or the database could not be opened.\n\nExamples:\n  libcluster torrent scrape mirror/torrents --db mirror/node.db\n  libcluster torrent scrape r_1000.torrent r_2000.torrent --postgres \"Host=db;Username=libcluster;Database=libcluster\" --timeout 5")
        {
            paths, where.Db, where.Postgres, timeout, retries, json,
        };
        command.SetAction((parse, cancellationToken) => Terminal.RunAsync(async () =>
        {
            var seconds = parse.GetValue(timeout);
            if (!(seconds > 0 && seconds <= 3600))
            {
                throw new ArgumentException($"--timeout {seconds}: give seconds above 0 and at most 3600");
            }

            var options = new ScrapeOptions { HttpTimeout = TimeSpan.FromSeconds(seconds), UdpTimeout = TimeSpan.FromSeconds(seconds), UdpRetransmissions = parse.GetValue(retries) };
            try
            {
                options.Validate();
            }
            catch (ArgumentException)
            {
                throw new ArgumentException($"--udp-retries {options.UdpRetransmissions}: give 0 to 8");
            }

            var (torrents, problems) = TorrentFiles.Load(parse.GetValue(paths)!);
            var store = new ScrapeStore(where.Open(parse, create: true));
            var work = TrackerScraper.GroupByTracker(torrents.Select(t => t.Torrent));
            problems.AddRange(torrents.Where(t => TrackerScraper.TrackersOf(t.Torrent).Count == 0).Select(t => $"{t.Name}: names no tracker, so it cannot be scraped"));

            using var scraper = new TrackerScraper(options);
            var reports = await scraper.ScrapeAllAsync(work, cancellationToken).ConfigureAwait(false);
            foreach (var report in reports)
            {
                store.Record(report);
            }

            Write(parse.GetValue(json), torrents, reports, problems);
            return problems.Count == 0 && reports.All(r => r.Error is null) ? ExitCodes.Ok : ExitCodes.Partial;
        }));
        return command;
    }

    private static void Write(bool json, List<(string Name, TorrentMetainfo Torrent, string Path)> torrents, IReadOnlyList<TrackerScrapeReport> reports, List<string> problems)
    {
        var byHash = torrents.GroupBy(t => t.Torrent.InfoHash).ToDictionary(g => g.Key, g => g.First().Name);
        if (json)
        {
            Terminal.WriteJson(new
            {
                Trackers = reports.Select(r => new { r.Tracker, r.At, Torrents = r.Counts.Count + r.NotScraped.Count, Scraped = r.Counts.Count, Problem = r.Error?.Problem, Error = r.Error?.Detail }),
                Torrents = reports.SelectMany(r => r.Counts.Select(c => new { Name = byHash[c.Key], InfoHash = c.Key.ToString(), r.Tracker, c.Value.Seeders, c.Value.Leechers, c.Value.Completed }))
                    .OrderBy(t => t.Name, StringComparer.Ordinal).ThenBy(t => t.Tracker, StringComparer.Ordinal),
                Problems = problems,
            });
            return;
        }

        var trackers = new Table().Border(TableBorder.Simple).AddColumn("tracker").AddColumn(new TableColumn("torrents").RightAligned())
            .AddColumn(new TableColumn("scraped").RightAligned()).AddColumn(new TableColumn("seeders").RightAligned())
            .AddColumn(new TableColumn("leechers").RightAligned()).AddColumn("result");
        foreach (var r in reports)
        {
            trackers.AddRow(
                Markup.Escape(r.Tracker), N(r.Counts.Count + r.NotScraped.Count), N(r.Counts.Count),
                N(r.Counts.Values.Sum(c => (long)c.Seeders)), N(r.Counts.Values.Sum(c => (long)c.Leechers)),
                r.Error is null ? "[green]ok[/]" : $"[red]{Markup.Escape(r.Error.Problem.ToString())}[/]: {Markup.Escape(r.Error.Detail)}");
        }

        AnsiConsole.Write(trackers);
        foreach (var problem in problems)
        {
            AnsiConsole.WriteLine(problem);
        }

        var scraped = reports.SelectMany(r => r.Counts.Keys).Distinct().Count();
        AnsiConsole.WriteLine($"Count: {torrents.Count} torrents, {scraped} with counts from at least one tracker; {reports.Count(r => r.Error is null)} of {reports.Count} trackers answered");
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
