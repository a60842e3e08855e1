using System.CommandLine;
using System.Globalization;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Holdings;
using LibraryCluster.Actors.Replicas;
using Spectre.Console;

namespace LibraryCluster.Cli.Commands;

/// <summary><c>libcluster holdings plan</c>: which torrents to hold to fill the cluster up to N TB, fewest seeders first.</summary>
internal static class HoldingsCommands
{
    public static Command Build() => new("holdings", "Choose which torrents the cluster should hold, by how badly the swarm needs them.")
    {
        Plan(),
    };

    private static Command Plan()
    {
        var paths = new Argument<FileSystemInfo[]>("TORRENT") { Description = "The torrents to choose from: .torrent files, or folders whose *.torrent files to take (e.g. a folder of every LibGen torrent).", Arity = ArgumentArity.OneOrMore };
        var maxTb = new Option<double>("--max-tb") { Description = "How much to fill, in TB (10^12 bytes).", Required = true };
        var where = NodeDatabaseOptions.Create();
        var maxAge = new Option<double>("--max-age-days") { Description = "Counts older than this are not trusted: such torrents count as of unknown swarm.", DefaultValueFactory = _ => new HoldingsOptions { MaxBytes = 0, Now = default }.MaxAge.TotalDays };
        var unknown = new Option<UnknownSwarms>("--unscraped") { Description = "Torrents with no trusted count (never scraped, every scrape failed, too old): Last = after every known one while room is left; Skip = never chosen.", DefaultValueFactory = _ => UnknownSwarms.Last };
        var all = new Option<bool>("--all") { Description = "List every torrent not chosen, not only the first 20." };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var command = new Command(
            "plan",
            "Show which torrents to hold to fill the cluster up to --max-tb, fewest seeders first, before anything is applied: score = (seeders + 0.1 × leechers) × (average size ÷ size), lowest first, as Anna's Archive's torrent-list generator ranks; torrents that no longer fit are skipped for smaller ones. Seeder counts come from 'libcluster torrent scrape' in the same database (the tracker reporting the most seeders); a torrent with no seeders is kept only if a Healthy copy is held (nobody could send it); torrents with no trusted count follow --unscraped. Nothing is changed. Exit 0: planned; 2: bad input or the database could not be opened.\n\nExamples:\n  libcluster holdings plan mirror/torrents --max-tb 20 --db mirror/node.db\n  libcluster holdings plan libgen-torrents/ --max-tb 500 --postgres \"Host=db;Username=libcluster;Database=libcluster\" --json")
        {
            paths, maxTb, where.Db, where.Postgres, maxAge, unknown, all, json,
        };
        command.SetAction((parse, _) => Terminal.RunAsync(() =>
        {
            var tb = parse.GetValue(maxTb);
            if (!(tb >= 0 && tb <= 1_000_000))
            {
                throw new ArgumentException($"--max-tb {tb}: give a size from 0 to 1,000,000 TB");
            }

            var days = parse.GetValue(maxAge);
            if (!(days > 0 && days <= 36_500))
            {
                throw new ArgumentException($"--max-age-days {days}: give days above 0");
            }

            var (torrents, problems) = TorrentFiles.Load(parse.GetValue(paths)!);
            var database = where.Open(parse, create: false);
            var held = new ClusterStore(database).ListReplicas().Where(r => r.State == ReplicaState.Healthy).Select(r => r.Torrent).ToHashSet(StringComparer.Ordinal);
            var scrapes = new ScrapeStore(database).Read().ToLookup(s => s.InfoHash, StringComparer.Ordinal);
            var candidates = torrents.Select(t =>
            {
                var hash = t.Torrent.InfoHash.ToString();
                return new HoldingCandidate(t.Name, hash, t.Torrent.TotalLength, held.Contains(t.Name), scrapes[hash].ToList());
            }).ToList();
            var now = DateTimeOffset.UtcNow;
            var plan = HoldingsPolicy.Plan(candidates, new HoldingsOptions
            {
                MaxBytes = (long)Math.Round(tb * HoldingsOptions.Terabyte),
                Now = now,
                MaxAge = TimeSpan.FromDays(days),
                Unknown = parse.GetValue(unknown),
            });

            if (parse.GetValue(json))
            {
                Terminal.WriteJson(new
                {
                    plan.MaxBytes,
                    plan.ChosenBytes,
                    plan.BytesToFetch,
                    Chosen = plan.Chosen.Select(c => ToJson(c, now)),
                    NotChosen = plan.NotChosen.Select(c => ToJson(c, now)),
                    Problems = problems,
                });
            }
            else
            {
                Write(plan, now, parse.GetValue(all), problems);
            }

            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    private static object ToJson(HoldingChoice c, DateTimeOffset now) => new
    {
        c.Torrent.Name,
        c.Torrent.InfoHash,
        c.Torrent.Size,
        c.Torrent.Held,
        c.Knowledge,
        c.Counts?.Seeders,
        c.Counts?.Leechers,
        c.Counts?.Completed,
        c.Tracker,
        c.ScrapedAt,
        AgeSeconds = c.ScrapedAt is { } at ? (long?)(now - at).TotalSeconds : null,
        Score = c.Score is { } s ? Math.Round(s, 6) : (double?)null,
        RunningTotal = c.Chosen ? c.RunningTotal : (long?)null,
        c.Reason,
        c.Note,
    };

    private static void Write(HoldingsPlan plan, DateTimeOffset now, bool all, List<string> problems)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumn(new TableColumn("#").RightAligned()).AddColumn("torrent")
            .AddColumn(new TableColumn("size").RightAligned()).AddColumn(new TableColumn("seeders").RightAligned()).AddColumn(new TableColumn("leechers").RightAligned())
            .AddColumn(new TableColumn("scraped").RightAligned()).AddColumn(new TableColumn("score").RightAligned()).AddColumn("held")
            .AddColumn(new TableColumn("running total").RightAligned()).AddColumn("note");
        var rank = 0;
        foreach (var c in plan.Chosen)
        {
            table.AddRow(
                (++rank).ToString(CultureInfo.InvariantCulture), Markup.Escape(c.Torrent.Name), Terminal.Bytes(c.Torrent.Size),
                Count(c.Counts?.Seeders, c.Knowledge), Count(c.Counts?.Leechers, c.Knowledge),
                c.ScrapedAt is { } at ? Terminal.Age(now - at) : "-",
                c.Score is { } s ? s.ToString("0.###", CultureInfo.InvariantCulture) : "-",
                c.Torrent.Held ? "yes" : "fetch",
                Terminal.Bytes(c.RunningTotal),
                Markup.Escape(c.Note ?? string.Empty));
        }

        AnsiConsole.Write(table);
        AnsiConsole.WriteLine($"Chosen: {plan.Chosen.Count} torrents, {Terminal.Bytes(plan.ChosenBytes)} of the {Terminal.Bytes(plan.MaxBytes)} allowed ({Tb(plan.MaxBytes)} TB); {Terminal.Bytes(plan.BytesToFetch)} to fetch, {plan.Chosen.Count(c => c.Torrent.Held)} already held");
        if (plan.Chosen.Any(c => c.Knowledge != SwarmKnowledge.Known))
        {
            AnsiConsole.WriteLine("? or (n): no trusted seeder count (never scraped, scrapes failing, or too old); such torrents come after every known one (--unscraped)");
        }

        if (plan.NotChosen.Count > 0)
        {
            AnsiConsole.WriteLine($"Not chosen: {plan.NotChosen.Count} torrents ({plan.HeldNotChosen.Count()} of them held now)");
            foreach (var c in all ? plan.NotChosen : plan.NotChosen.Take(20))
            {
                var counts = c.Counts is { } n ? $"{n.Seeders} seeders, {n.Leechers} leechers" : "no count";
                AnsiConsole.WriteLine($"  {c.Torrent.Name} ({Terminal.Bytes(c.Torrent.Size)}, {counts}{(c.Torrent.Held ? ", held" : string.Empty)}): {c.Reason}{(c.Note is null ? string.Empty : $" ({c.Note})")}");
            }

            if (!all && plan.NotChosen.Count > 20)
            {
                AnsiConsole.WriteLine($"  ... and {plan.NotChosen.Count - 20} more (--all lists them)");
            }
        }

        foreach (var problem in problems)
        {
            AnsiConsole.WriteLine(problem);
        }
    }

    /// <summary>A count the policy did not trust is shown in brackets; none at all as "?".</summary>
    private static string Count(int? value, SwarmKnowledge knowledge) => value is not { } n ? "?" : knowledge == SwarmKnowledge.Known ? n.ToString(CultureInfo.InvariantCulture) : $"({n})";

    private static string Tb(long bytes) => (bytes / (double)HoldingsOptions.Terabyte).ToString("0.##########", CultureInfo.InvariantCulture);
}
