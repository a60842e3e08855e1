using LibraryCluster.Actors.Cluster;
using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Operations;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Host.Web;

namespace LibraryCluster.Host.Api;

/// <summary>
/// The operator API behind <c>libcluster</c>, under <c>/api/admin/cluster</c> with the admin token. Any node answers
/// for the whole cluster: reads come from the cluster's database, not from this node's memory. Every change is
/// idempotent (asking again changes nothing and says so), is journaled with who asked, and is refused (409, with
/// the reason and the torrents it would hurt) when it would lose data or could never finish. docs/cli.md lists
/// the routes.
/// </summary>
public static class AdminEndpoints
{
    private static readonly string[] VolumeActions = ["drain", "out", "in", "fail"];

    public static void MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var cluster = app.MapGroup("/api/admin/cluster").AddEndpointFilter(AdminAuth.Require);
        cluster.MapGet("/", (ClusterAdmin admin) => Read(admin, (s, _) => ClusterReports.Overview(s, admin.NodeId, admin.SingleNode))).WithSummary("Every node: endpoint, zone, state, volumes, copies, last heartbeat.");
        cluster.MapGet("/status", (ClusterAdmin admin) => Read(admin, (s, settings) => ClusterReports.Status(s, settings, admin.NodeId, admin.SingleNode))).WithSummary("The cluster in a few numbers, and its problems.");
        cluster.MapPost("/nodes/{node}/leave", (string node, HttpContext context, ClusterAdmin admin) => Change(context, admin, "leave", node, (s, settings, who) => ClusterOperations.Leave(s, settings, node, who)))
            .WithSummary("The node hands its copies to the others (make before break), then is Out.");
        cluster.MapPost("/nodes/{node}/down", (string node, HttpContext context, ClusterAdmin admin) => Change(context, admin, "down", node, (s, settings, who) => ClusterOperations.Down(s, settings, node, who)))
            .WithSummary("A node that is gone is Out now: its copies are made again from the others.");
        cluster.MapPost("/down-unreachable", (HttpContext context, ClusterAdmin admin) => Change(context, admin, "down-unreachable", "*", (s, settings, who) => ClusterOperations.DownUnreachable(s, settings, admin.NodeId, who)))
            .WithSummary("Every node that stopped heartbeating is Out.");
        cluster.MapGet("/volumes", (ClusterAdmin admin) => Read(admin, (s, _) => ClusterReports.Volumes(s))).WithSummary("Every volume of the cluster: state, capacity, copies, placement targets.");
        cluster.MapGet("/volumes/{node}/{name}", (string node, string name, HttpContext context, ClusterAdmin admin) =>
            Read(admin, (s, _) => ClusterReports.Volume(s, $"{node}/{name}"), context, $"the cluster has no volume {node}/{name}")).WithSummary("One volume and every copy on it.");
        cluster.MapPost("/volumes/{node}/{name}/{action}", VolumeAction).WithSummary("drain | out | in | fail (?force=true to fail a volume holding last copies).");
        cluster.MapGet("/torrents", Torrents).WithSummary("Torrents with their copies (state, unhealthy, collection filters).");
        cluster.MapGet("/torrents/{name}", TorrentDetail).WithSummary("One torrent: copies, where placement put them and why, last scrub, seeders.");
        cluster.MapPost("/torrents/{name}/scrub", ScrubOneAsync).WithSummary("Every node holding a copy scrubs it now.");
        cluster.MapPost("/scrub", ScrubAllAsync).WithSummary("Every node scrubs every copy it holds (one at a time, at the scrub rate).");
        cluster.MapGet("/heal", Heal).WithSummary("Copies still to be made: what, where, bytes, recent rate, ETA.");
        cluster.MapPost("/placement/plan", PlacementPlan).WithSummary("What a change (volumes added, nodes removed, weights) would move; changes nothing.");
        cluster.MapGet("/journal", Journal).WithSummary("The cluster's journal (limit, torrent, node, volume; after=SEQ to follow).");
        cluster.MapGet("/holdings", (ClusterAdmin admin) => Read(admin, HoldingsOperations.Show)).WithSummary("The holdings policy the cluster follows and how far it is from it: wanted and held, bytes to fetch, kept, released.");
        cluster.MapPost("/holdings/plan", HoldingsPlan).WithSummary("What setting a holdings policy would choose and change (body: maxBytes, maxAgeDays, unscraped, release); changes nothing.");
        cluster.MapPut("/holdings", SetHoldings).WithSummary("Set the holdings policy: hold the torrents it chooses, stop wanting the others (kept while held, or released with release=true).");
    }

    private static IResult Read<T>(ClusterAdmin admin, Func<ClusterSnapshot, ClusterSettings, T?> report, HttpContext? context = null, string? missing = null) where T : class =>
        Guard(admin, settings =>
        {
            var value = report(admin.Read(), settings);
            return value is null ? Answers.NotFound(context!, "Not found", missing!) : Results.Ok(value);
        });

    private static IResult Change(HttpContext context, ClusterAdmin admin, string action, string target, Func<ClusterSnapshot, ClusterSettings, string, OperationDecision> decide) =>
        Guard(admin, settings =>
        {
            var who = admin.Who(context);
            var (decision, epoch) = admin.Apply(snapshot => decide(snapshot, settings, who));
            return decision switch
            {
                OperationDecision.Change change => Results.Ok(new OperationResult(action, target, true, change.Message, epoch)),
                OperationDecision.Nothing nothing => Results.Ok(new OperationResult(action, target, false, nothing.Message, epoch)),
                OperationDecision.Refused refused => Refusal(refused),
                OperationDecision.Unknown unknown => Answers.NotFound(context, "Not found", unknown.Message),
                _ => throw new InvalidOperationException($"unexpected decision {decision}"),
            };
        });

    /// <summary>409 with the reason and the torrents the change would hurt.</summary>
    private static IResult Refusal(OperationDecision.Refused refused) =>
        Results.Problem(detail: refused.Reason, statusCode: StatusCodes.Status409Conflict, title: "Refused", extensions: new Dictionary<string, object?> { ["torrents"] = refused.Torrents });

    /// <summary>Answers 503 while the node has not joined its map yet, or when the database cannot be reached.</summary>
    private static IResult Guard(ClusterAdmin admin, Func<ClusterSettings, IResult> body)
    {
        if (admin.Settings is not { } settings)
        {
            return Results.Problem(detail: "this node is starting and has not joined its cluster map yet; try again in a moment", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Starting");
        }

        try
        {
            return body(settings);
        }
        catch (ClusterStoreException e)
        {
            return Results.Problem(detail: $"the cluster database did not answer: {e.Message}", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Database unreachable");
        }
    }

    private static IResult VolumeAction(string node, string name, string action, HttpContext context, ClusterAdmin admin)
    {
        if (!VolumeActions.Contains(action))
        {
            return Answers.BadRequest(context, $"\"{Html.Shorten(action)}\" is not a volume action: drain, out, in or fail");
        }

        var force = context.Request.Query["force"].ToString() is "true" or "1";
        var id = $"{node}/{name}";
        return Change(context, admin, action, id, (s, settings, who) => action switch
        {
            "drain" => ClusterOperations.Drain(s, settings, id, who),
            "out" => ClusterOperations.Out(s, id, who),
            "in" => ClusterOperations.In(s, id, who),
            _ => ClusterOperations.Fail(s, id, force, who),
        });
    }

    private static IResult Torrents(HttpContext context, ClusterAdmin admin)
    {
        var query = context.Request.Query;
        ReplicaState? state = null;
        if (query["state"].ToString() is { Length: > 0 } s)
        {
            if (!Enum.TryParse<ReplicaState>(s, ignoreCase: true, out var parsed) || int.TryParse(s, out _))
            {
                return Answers.BadRequest(context, $"state \"{Html.Shorten(s)}\" is not a replica state: {string.Join(", ", Enum.GetNames<ReplicaState>())}");
            }

            state = parsed;
        }

        var unhealthy = query["unhealthy"].ToString() is "true" or "1";
        var collection = query["collection"].ToString();
        if (collection.Length > 0 && collection is not ("scitech" or "fiction" or "scimag"))
        {
            return Answers.BadRequest(context, $"collection \"{Html.Shorten(collection)}\" must be scitech, fiction or scimag");
        }

        return Read(admin, (snapshot, settings) => ClusterReports.Torrents(snapshot, settings)
            .Where(t => state is null || t.Copies.Any(c => c.State == state))
            .Where(t => !unhealthy || t.Health is TorrentHealth.UnderReplicated or TorrentHealth.Unavailable)
            .Where(t => collection.Length == 0 || t.Collection == collection)
            .ToList());
    }

    private static IResult TorrentDetail(string name, HttpContext context, ClusterAdmin admin, ScrapeStore scrapeStore) =>
        Read(admin, (snapshot, settings) =>
        {
            if (snapshot.Torrents.FirstOrDefault(t => t.Name == name) is not { } torrent)
            {
                return null;
            }

            var scrapes = scrapeStore.Read([torrent.InfoHash]);
            return ClusterReports.Torrent(snapshot, settings, name, admin.Store.ReplicaDetails(name), scrapes);
        }, context, $"the cluster holds no torrent {Html.Shorten(name)}");

    private static async Task<IResult> ScrubOneAsync(string name, HttpContext context, ClusterAdmin admin, CancellationToken cancellationToken)
    {
        try
        {
            var snapshot = admin.Read();
            if (!snapshot.Torrents.Any(t => t.Name == name))
            {
                return Answers.NotFound(context, "Not found", $"the cluster holds no torrent {Html.Shorten(name)}");
            }

            return Results.Accepted(value: await admin.ScrubAsync(name, snapshot, cancellationToken).ConfigureAwait(false));
        }
        catch (ClusterStoreException e)
        {
            return Results.Problem(detail: $"the cluster database did not answer: {e.Message}", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Database unreachable");
        }
    }

    private static async Task<IResult> ScrubAllAsync(ClusterAdmin admin, CancellationToken cancellationToken)
    {
        try
        {
            return Results.Accepted(value: await admin.ScrubAsync(null, admin.Read(), cancellationToken).ConfigureAwait(false));
        }
        catch (ClusterStoreException e)
        {
            return Results.Problem(detail: $"the cluster database did not answer: {e.Message}", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Database unreachable");
        }
    }

    private static IResult Heal(ClusterAdmin admin) =>
        Read(admin, (snapshot, settings) =>
            HealReports.Report(snapshot, settings, admin.Store.ReadJournal(new JournalQuery { Since = snapshot.ReadAt - HealReports.RateWindow, Limit = 10_000 })));

    private static IResult PlacementPlan(PlacementChange change, HttpContext context, ClusterAdmin admin)
    {
        if (change.AddVolumes is null || change.RemoveNodes is null || change.RemoveVolumes is null || change.Weights is null)
        {
            return Answers.BadRequest(context, "the body must have addVolumes, removeNodes, removeVolumes and weights (empty lists and object for none)");
        }

        if (change.AddVolumes.FirstOrDefault(v => v.Capacity <= 0 || string.IsNullOrWhiteSpace(v.Node) || string.IsNullOrWhiteSpace(v.Name)) is { } bad)
        {
            return Answers.BadRequest(context, $"addVolumes: {bad.Node}/{bad.Name} needs a node, a name and a capacity above 0");
        }

        if (change.Weights.FirstOrDefault(w => w.Value <= 0) is { Key: not null } zero)
        {
            return Answers.BadRequest(context, $"weights: {zero.Key} = {zero.Value}; a weight (capacity) must be above 0 (to empty a volume, use removeVolumes)");
        }

        try
        {
            return Read(admin, (snapshot, settings) => PlacementWhatIf.Plan(snapshot, settings, change));
        }
        catch (ArgumentException e)
        {
            return Answers.BadRequest(context, e.Message);
        }
    }

    private static IResult HoldingsPlan(HoldingsAsk ask, HttpContext context, ClusterAdmin admin, ScrapeStore scrapes)
    {
        if (ask.ToRequest(out var problem) is not { } request)
        {
            return Answers.BadRequest(context, problem!);
        }

        return Read(admin, (snapshot, settings) => HoldingsOperations.Plan(snapshot, settings, scrapes.Read(), request));
    }

    private static IResult SetHoldings(HoldingsAsk ask, HttpContext context, ClusterAdmin admin, ScrapeStore scrapeStore)
    {
        if (ask.ToRequest(out var problem) is not { } request)
        {
            return Answers.BadRequest(context, problem!);
        }

        return Guard(admin, settings =>
        {
            var who = admin.Who(context);
            var scrapes = scrapeStore.Read();
            HoldingsPlanReport plan = null!;
            var (decision, epoch) = admin.Apply(snapshot =>
            {
                plan = HoldingsOperations.Plan(snapshot, settings, scrapes, request);
                return HoldingsOperations.Set(snapshot, plan, request, admin.NodeId, who);
            });
            var result = decision switch
            {
                OperationDecision.Change change => new OperationResult("holdings set", "holdings", true, change.Message, epoch),
                OperationDecision.Nothing nothing => new OperationResult("holdings set", "holdings", false, nothing.Message, epoch),
                _ => null,
            };
            return result is null
                ? Refusal((OperationDecision.Refused)decision)
                : Results.Ok(new HoldingsSetResult(result, plan.Chosen.Count, plan.ChosenBytes, plan.Changes!));
        });
    }

    private static IResult Journal(HttpContext context, ClusterAdmin admin)
    {
        var query = context.Request.Query;
        var limit = 100;
        if (query["limit"].ToString() is { Length: > 0 } l && (!int.TryParse(l, out limit) || limit is < 1 or > 10_000))
        {
            return Answers.BadRequest(context, $"limit \"{Html.Shorten(l)}\" must be a whole number from 1 to 10000");
        }

        long? after = null;
        if (query["after"].ToString() is { Length: > 0 } a)
        {
            if (!long.TryParse(a, out var seq) || seq < 0)
            {
                return Answers.BadRequest(context, $"after \"{Html.Shorten(a)}\" must be a journal sequence number (0 or more)");
            }

            after = seq;
        }

        string? Text(string key) => query[key].ToString() is { Length: > 0 } value ? value : null;
        var journal = new JournalQuery { Limit = limit, Torrent = Text("torrent"), Node = Text("node"), Volume = Text("volume"), After = after };
        return Guard(admin, _ => Results.Ok(admin.Store.ReadJournal(journal)));
    }
}
