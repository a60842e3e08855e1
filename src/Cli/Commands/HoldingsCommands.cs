using System.CommandLine;
using System.Globalization;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Holdings;
using LibraryCluster.Actors.Operations;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Cli.Connection;
using Spectre.Console;

namespace LibraryCluster.Cli.Commands;

/// <summary>
/// <c>libcluster holdings show|plan|set</c>: which torrents the cluster holds when it cannot hold them all — up to N
/// TB, fewest seeders first — against a running node; and <c>holdings plan TORRENT...</c> over .torrent files and a
/// database, before a cluster has them.
/// </summary>
internal static class HoldingsCommands
{
    private const int Shown = 20;

    public static Command Build() => new("holdings", "Choose which torrents the cluster holds, by how badly the swarm needs them: see the policy the cluster follows, plan one, set it.")
    {
        Show(),
        Plan(),
        Set(),
    };

    /// <summary>The options that say what policy to judge by, shared by plan and set.</summary>
    private sealed record PolicyOptions(Option<double?> MaxTb, Option<double> MaxAge, Option<UnknownSwarms> Unknown, Option<bool> Release)
    {
        public static PolicyOptions Create(bool maxTbRequired) => new(
            new Option<double?>("--max-tb") { Description = "How much to fill, in TB (10^12 bytes).", Required = maxTbRequired },
            new Option<double>("--max-age-days") { Description = "Counts older than this are not trusted: such torrents count as of unknown swarm.", DefaultValueFactory = _ => new HoldingsOptions { MaxBytes = 0, Now = default }.MaxAge.TotalDays },
            new Option<UnknownSwarms>("--unscraped") { Description = "Torrents with no trusted count (never scraped, every scrape failed, too old): Last = after every known one while room is left; Skip = never chosen.", DefaultValueFactory = _ => UnknownSwarms.Last },
            new Option<bool>("--release") { Description = "Let go of the torrents not chosen: every copy of them is deleted. Without it, a torrent not chosen that the cluster holds is kept (one copy, seeded) and only no longer fetched or healed." });

        /// <summary>The policy asked for; bad values are bad input.</summary>
        public HoldingsRequest Request(ParseResult parse)
        {
            var tb = parse.GetValue(MaxTb) ?? throw new ArgumentException("--max-tb: give the size to fill, e.g. --max-tb 20");
            if (!(tb >= 0 && tb <= 1_000_000))
            {
                throw new ArgumentException($"--max-tb {tb.ToString(CultureInfo.InvariantCulture)}: give a size from 0 to 1,000,000 TB");
            }

            var days = parse.GetValue(MaxAge);
            if (!(days > 0 && days <= 36_500))
            {
                throw new ArgumentException($"--max-age-days {days.ToString(CultureInfo.InvariantCulture)}: give days above 0");
            }

            return new HoldingsRequest((long)Math.Round(tb * HoldingsOptions.Terabyte), TimeSpan.FromDays(days), parse.GetValue(Unknown), parse.GetValue(Release));
        }

        public static HoldingsAsk Ask(HoldingsRequest request) => new(request.MaxBytes, request.MaxAge.TotalDays, request.Unknown, request.Release);
    }

    private static Command Show()
    {
        var all = new Option<bool>("--all") { Description = $"List every wanted torrent not held in full, not only the first {Shown}." };
        return Online.Command(
            "show",
            "The holdings policy the cluster follows (what was set, when, by whom) and how far the cluster is from it: the torrents it wants and how many of them are held in full, in part or not at all, the bytes still to fetch (from the swarm) and to copy (from peers), the torrents it keeps without wanting them, those being released, and those registered since the policy was set (not judged yet). Then the wanted torrents not held in full. Without a policy every registered torrent is wanted. Exit 0: the cluster holds everything it wants; 4: some wanted torrents are not held in full yet.\n\nExamples:\n  libcluster holdings show\n  libcluster holdings show --json | jq .bytesToFetch",
            async call =>
            {
                var status = await call.Client.GetAsync<HoldingsStatus>("api/admin/cluster/holdings", call.CancellationToken).ConfigureAwait(false);
                if (call.Json)
                {
                    Terminal.WriteJson(status);
                }
                else
                {
                    Write(status, call.Get(all));
                }

                return status.WantedHeld < status.Wanted ? ExitCodes.Partial : ExitCodes.Ok;
            },
            all);
    }

    private static Command Plan()
    {
        var paths = new Argument<FileSystemInfo[]>("TORRENT") { Description = "Plan over these .torrent files (or folders whose *.torrent files to take, e.g. a folder of every LibGen torrent) with the scrapes and replicas of --db or --postgres, instead of over the torrents a running node's cluster has registered.", Arity = ArgumentArity.ZeroOrMore };
        var policy = PolicyOptions.Create(maxTbRequired: true);
        var where = NodeDatabaseOptions.Create();
        var connection = ConnectionOptions.Create();
        var all = new Option<bool>("--all") { Description = $"List every torrent not chosen, not only the first {Shown}." };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var command = new Command(
            "plan",
            "Show which torrents to hold to fill the cluster up to --max-tb, fewest seeders first, before anything is changed: score = (seeders + 0.1 × leechers) × (average size ÷ size), lowest first, as Anna's Archive's torrent-list generator ranks; torrents that no longer fit are skipped for smaller ones. Seeder counts come from tracker scrapes in the database (the tracker reporting the most seeders; a node scrapes what it holds, 'libcluster torrent scrape' anything); a torrent with no seeders is kept only if a Healthy copy is held (nobody could send it); torrents with no trusted count follow --unscraped. Against a running node (--node or a context) the candidates are the torrents its cluster has registered, and each row says what 'holdings set' with the same options would change: fetch, want (again), keep (no longer wanted, one copy stays), release (with --release: deleted), drop (no longer fetched). With TORRENT... and --db or --postgres, it plans over .torrent files the cluster may not have yet. Nothing is changed. Exit 0: planned; 2: bad input or the database could not be opened.\n\nExamples:\n  libcluster holdings plan --max-tb 20\n  libcluster holdings plan --max-tb 20 --release --json | jq .changes\n  libcluster holdings plan libgen-torrents/ --max-tb 500 --postgres \"Host=db;Username=libcluster;Database=libcluster\"")
        {
            paths, policy.MaxTb, policy.MaxAge, policy.Unknown, policy.Release, where.Db, where.Postgres, connection.Node, connection.Context, all, json,
        };
        command.SetAction((parse, cancellationToken) => Terminal.RunAsync(async () =>
        {
            var request = policy.Request(parse);
            var files = parse.GetValue(paths) ?? [];
            var offline = parse.GetValue(where.Db) is not null || parse.GetValue(where.Postgres) is not null;
            if (files.Length > 0 != offline)
            {
                throw new ArgumentException(files.Length > 0
                    ? "planning over .torrent files needs the database with their scrapes: --db PATH (a node's node.db) or --postgres CONNECTION"
                    : "--db and --postgres go with TORRENT... (.torrent files to plan over); to plan over what a running node's cluster has registered, leave them out");
            }

            HoldingsPlanReport report;
            if (offline)
            {
                report = PlanFiles(parse, files, where, request);
            }
            else
            {
                using var client = connection.Connect(parse);
                report = await client.PostAsync<HoldingsPlanReport>("api/admin/cluster/holdings/plan", PolicyOptions.Ask(request), cancellationToken).ConfigureAwait(false);
            }

            if (parse.GetValue(json))
            {
                Terminal.WriteJson(report);
            }
            else
            {
                Write(report, parse.GetValue(all));
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Set()
    {
        var policy = PolicyOptions.Create(maxTbRequired: true);
        return Online.Command(
            "set",
            "Set the holdings policy the cluster follows: the torrents 'holdings plan' with the same options chooses are wanted — held at their replication factor, fetched from peers or (with Swarm:FetchMissing) the swarm when missing, healed when lost — and the others are not: a torrent not chosen that the cluster holds is kept (one copy stays and is seeded; extra copies go once that one is Healthy, none is made again), or with --release let go (every copy deleted: a tracker reports seeders for it, so the world keeps it; refused, exit 6, when any torrent it would let go has no seeder a tracker vouches for, since the cluster's copy may be the last anywhere). Seeder counts change, so run it again (e.g. daily) to follow them; torrents registered since are not wanted until a set judges them. Idempotent (the same choice again changes nothing), applied at the map's epoch, journaled with who asked. Exit 0: set (or already so); 2: bad input; 6: refused, nothing changed.\n\nExamples:\n  libcluster holdings set --max-tb 20\n  libcluster holdings set --max-tb 15 --release",
            async call =>
            {
                var request = policy.Request(call.Parse);
                var set = await call.Client.PutJsonAsync<HoldingsSetResult>("api/admin/cluster/holdings", PolicyOptions.Ask(request), call.CancellationToken).ConfigureAwait(false);
                if (call.Json)
                {
                    Terminal.WriteJson(set);
                    return ExitCodes.Ok;
                }

                Output.Result(set.Result);
                if (set.Result.Changed)
                {
                    var c = set.Changes;
                    Output.Line($"Wanted: {set.Wanted} torrents, {Terminal.Bytes(set.WantedBytes)} of {Terminal.Bytes(request.MaxBytes)}; to fetch: {c.Fetch} ({Terminal.Bytes(c.FetchBytes)}); wanted again: {c.Want} ({Terminal.Bytes(c.CopyBytes)} of copies from peers)");
                    Output.Line($"No longer wanted: {c.Keep} kept ({Terminal.Bytes(c.KeepBytes)}, one copy each), {c.Release} released ({Terminal.Bytes(c.ReleaseBytes)} deleted), {c.Drop} no longer fetched ({Terminal.Bytes(c.DropBytes)})");
                    Output.Line("'libcluster holdings show' follows the cluster as it gets there.");
                }

                return ExitCodes.Ok;
            },
            policy.MaxTb,
            policy.MaxAge,
            policy.Unknown,
            policy.Release);
    }

    /// <summary>The plan over .torrent files, with the replicas and scrapes of a node's or cluster's database.</summary>
    private static HoldingsPlanReport PlanFiles(ParseResult parse, FileSystemInfo[] paths, NodeDatabaseOptions where, HoldingsRequest request)
    {
        var (torrents, problems) = TorrentFiles.Load(paths);
        var database = where.Open(parse, create: false);
        var held = new ClusterStore(database).ListReplicas().Where(r => r.State == ReplicaState.Healthy).Select(r => r.Torrent).ToHashSet(StringComparer.Ordinal);
        var scrapes = new ScrapeStore(database).Read().ToLookup(s => s.InfoHash, StringComparer.Ordinal);
        var candidates = torrents.Select(t =>
        {
            var hash = t.Torrent.InfoHash.ToString();
            return new HoldingCandidate(t.Name, hash, t.Torrent.TotalLength, held.Contains(t.Name), scrapes[hash].ToList());
        }).ToList();
        var now = DateTimeOffset.UtcNow;
        var plan = HoldingsPolicy.Plan(candidates, request.Options(now));
        return new HoldingsPlanReport(
            plan.MaxBytes,
            plan.ChosenBytes,
            plan.BytesToFetch,
            [.. plan.Chosen.Select(c => HoldingRow.Of(c, now))],
            [.. plan.NotChosen.Select(c => HoldingRow.Of(c, now))],
            null,
            problems);
    }

    private static void Write(HoldingsPlanReport plan, bool all)
    {
        var changes = plan.Changes;
        var columns = new List<string> { ">#", "torrent", ">size", ">seeders", ">leechers", ">scraped", ">score", "held", ">running total" };
        if (changes is not null)
        {
            columns.Add("change");
        }

        columns.Add("note");
        var table = Output.Table([.. columns]);
        var rank = 0;
        foreach (var c in plan.Chosen)
        {
            var cells = new List<string?>
            {
                (++rank).ToString(CultureInfo.InvariantCulture), c.Name, Terminal.Bytes(c.Size), Count(c.Seeders, c.Knowledge), Count(c.Leechers, c.Knowledge),
                c.AgeSeconds is { } age ? Terminal.Age(TimeSpan.FromSeconds(age)) : "-",
                c.Score is { } s ? s.ToString("0.###", CultureInfo.InvariantCulture) : "-",
                c.Held ? "yes" : "fetch",
                Terminal.Bytes(c.RunningTotal ?? 0),
            };
            if (changes is not null)
            {
                cells.Add(Change(c.Change));
            }

            cells.Add(c.Note);
            table.Row([.. cells]);
        }

        AnsiConsole.Write(table);
        Output.Line($"Chosen: {plan.Chosen.Count} torrents, {Terminal.Bytes(plan.ChosenBytes)} of the {Terminal.Bytes(plan.MaxBytes)} allowed ({Tb(plan.MaxBytes)} TB); {Terminal.Bytes(plan.BytesToFetch)} to fetch, {plan.Chosen.Count(c => c.Held)} already held");
        if (plan.Chosen.Any(c => c.Knowledge != SwarmKnowledge.Known))
        {
            Output.Line("? or (n): no trusted seeder count (never scraped, scrapes failing, or too old); such torrents come after every known one (--unscraped)");
        }

        if (plan.NotChosen.Count > 0)
        {
            Output.Line($"Not chosen: {plan.NotChosen.Count} torrents ({plan.NotChosen.Count(c => c.Held)} of them held now)");
            foreach (var c in all ? plan.NotChosen : plan.NotChosen.Take(Shown))
            {
                var counts = c.Seeders is { } n ? $"{n} seeders, {c.Leechers} leechers" : "no count";
                var change = c.Change is { } what ? $" -> {Change(what)}" : string.Empty;
                Output.Line($"  {c.Name} ({Terminal.Bytes(c.Size)}, {counts}{(c.Held ? ", held" : string.Empty)}): {c.Reason}{(c.Note is null ? string.Empty : $" ({c.Note})")}{change}");
            }

            if (!all && plan.NotChosen.Count > Shown)
            {
                Output.Line($"  ... and {plan.NotChosen.Count - Shown} more (--all lists them)");
            }
        }

        if (changes is not null)
        {
            Output.Line($"Now: {changes.Current ?? "no holdings policy: every registered torrent is wanted"}");
            Output.Line(changes.Unchanged
                ? $"A set would change nothing: the cluster follows this policy already (epoch {changes.Epoch})."
                : $"A set would: fetch {changes.Fetch} ({Terminal.Bytes(changes.FetchBytes)}), want again {changes.Want} ({Terminal.Bytes(changes.CopyBytes)} of copies), keep {changes.Keep} without wanting them ({Terminal.Bytes(changes.KeepBytes)}), release {changes.Release} ({Terminal.Bytes(changes.ReleaseBytes)} deleted), stop fetching {changes.Drop}; computed at epoch {changes.Epoch}, nothing changed");
            if (changes.LastCopies.Count > 0)
            {
                Output.Line($"! {changes.LastCopies.Count} torrents it would release have no known seeder: the copies deleted may be the last anywhere, so a set with --release is refused ({string.Join(", ", changes.LastCopies.Take(10))})");
            }
        }

        foreach (var problem in plan.Problems)
        {
            Output.Line(problem);
        }
    }

    private static void Write(HoldingsStatus status, bool all)
    {
        if (status.Policy is { } policy)
        {
            Output.Line($"Policy: {policy.Describe()}; set {Output.Time(status.SetAt)} UTC at epoch {status.SetEpoch}, {status.SetBy}");
        }
        else
        {
            Output.Line("Policy: none: every registered torrent is wanted at its replication factor ('libcluster holdings plan --max-tb N' shows what one would choose)");
        }

        Output.Line($"Wanted: {status.Wanted} of {status.Torrents} torrents, {Terminal.Bytes(status.WantedBytes)}: {status.WantedHeld} held in full, {status.WantedPartly} in part, {status.WantedMissing} not held");
        Output.Line($"To get there: {Terminal.Bytes(status.BytesToFetch)} to fetch (no copy held: from the swarm, with Swarm:FetchMissing), {Terminal.Bytes(status.BytesToCopy)} of copies to make from peers");
        if (status.Policy is not null)
        {
            Output.Line($"Kept without being wanted: {status.Kept} torrents, {Terminal.Bytes(status.KeptBytes)} (one copy each, seeded; 'holdings set --release' lets them go)");
            Output.Line($"Being released: {status.Released} torrents, {Terminal.Bytes(status.ReleasedBytes)}; not wanted and not held: {status.NotWanted}");
            if (status.NotJudged > 0)
            {
                Output.Line($"Registered since the policy was set: {status.NotJudged} torrents, not wanted until 'holdings set' judges them ('holdings plan' shows what it would do)");
            }
        }

        if (status.Missing.Count > 0)
        {
            var table = Output.Table("torrent", ">size", ">copies", "where");
            foreach (var t in all ? status.Missing : status.Missing.Take(Shown))
            {
                table.Row(t.Name, Terminal.Bytes(t.Size), $"{t.Healthy}/{t.ReplicationFactor}", t.Copies.Count == 0 ? "no copy yet" : string.Join(", ", t.Copies.Select(c => $"{c.Node}/{c.Volume} {c.State}")));
            }

            AnsiConsole.Write(table);
            if (!all && status.Missing.Count > Shown)
            {
                Output.Line($"... and {status.Missing.Count - Shown} more (--all lists them)");
            }
        }

        Output.Count(status.Missing.Count, "wanted torrents not held in full");
    }

    private static string Change(HoldingChange? change) => change?.ToString().ToLowerInvariant() ?? "-";

    /// <summary>A count the policy did not trust is shown in brackets; none at all as "?".</summary>
    private static string Count(int? value, SwarmKnowledge knowledge) => value is not { } n ? "?" : knowledge == SwarmKnowledge.Known ? n.ToString(CultureInfo.InvariantCulture) : $"({n})";

    private static string Tb(long bytes) => (bytes / (double)HoldingsOptions.Terabyte).ToString("0.##########", CultureInfo.InvariantCulture);
}
