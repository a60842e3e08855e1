using LibraryCluster.Actors.Node;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Actors.Volumes;
using LibraryCluster.Catalog;
using LibraryCluster.Catalog.Records;
using LibraryCluster.Host.Configuration;
using LibraryCluster.Host.Node;
using LibraryCluster.Host.Serving;
using LibraryCluster.Host.Web;
using LibraryCluster.Search;
using LibraryCluster.Torrents;
using Microsoft.Extensions.Options;

namespace LibraryCluster.Host.Api;

/// <summary>A record as the API shows it: metadata, whether this node can serve it, where to download it.</summary>
public sealed record RecordView(CatalogRecord Record, bool Held, string? Download, string Page, string? ReplicaState);

public sealed record SearchView(string Mode, long Total, bool TotalIsExact, double ElapsedMs, IReadOnlyList<RecordView> Hits, IReadOnlyDictionary<string, IReadOnlyList<FacetValue>> Facets);

public sealed record TorrentView(string Name, string InfoHash, string Volume, long Bytes, int Files, ReplicaStatus? Replica);

/// <summary>The JSON API: public reads under /api, operator calls under /api/admin with the admin token.</summary>
public static class ApiEndpoints
{
    /// <summary>A .torrent of LibGen's is well under this; the parser's own limit is far above.</summary>
    public const long MaxTorrentUpload = 16 * 1024 * 1024;

    public static void MapApiEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/search", SearchAsync).WithSummary("Search the whole catalogue (q, collection, language, extension, year_from, year_to, held, sort, offset, limit).");
        api.MapGet("/records/{md5}", Record).WithSummary("One record by MD5, with whether this node can serve its file.");

        var admin = api.MapGroup("/admin").AddEndpointFilter(AdminAuth.Require);
        admin.MapGet("/torrents", Torrents).WithSummary("Torrents on this node and their replica states.");
        admin.MapPut("/torrents/{name}", AddTorrentAsync).WithSummary("Register a .torrent (request body) under its LibGen name; data already on a volume is adopted after verification.");
        admin.MapPost("/torrents/{name}/verify", (string name, MirrorNode node) => node.Verify(name, "operator asked") ? Results.Accepted() : Results.NotFound()).WithSummary("Verify a replica now.");
        admin.MapPost("/torrents/{name}/scrub", (string name, MirrorNode node) => node.Scrub(name) ? Results.Accepted() : Results.NotFound()).WithSummary("Scrub a replica now.");
        admin.MapGet("/volumes", async (MirrorNode node, CancellationToken ct) => Results.Ok(await node.GetVolumesAsync(ct).ConfigureAwait(false))).WithSummary("Volumes: state, capacity, free space, errors.").Produces<IReadOnlyList<VolumeStatus>>();
        admin.MapGet("/journal", Journal).WithSummary("The newest journal entries (limit, torrent).");
        admin.MapPost("/catalog/import", (HttpContext context, CatalogImports imports, CancellationToken cancellationToken) => imports.ImportAsync(context, cancellationToken))
            .WithSummary("Import a LibGen dump (the body: plain SQL or gzip-compressed; name=FILE names it in the report, batchRows=N) into this node's catalogue, streamed, one at a time.");
    }

    /// <summary>"Held" means this node would serve the file now: its replica's last check found it intact.</summary>
    public static RecordView View(CatalogRecord record, MirrorNode node)
    {
        var servable = record.Torrent is not null && record.PathInTorrent is not null && node.FindServable(record.Torrent, record.PathInTorrent) is not null;
        return new RecordView(
            record,
            servable,
            servable ? RecordPage.DownloadLink(record) : null,
            RecordPage.Link(record),
            record.Torrent is null ? null : node.View.Replica(record.Torrent)?.State.ToString());
    }

    private static async Task<IResult> SearchAsync(HttpContext context, ICatalogSearch search, MirrorNode node, CancellationToken cancellationToken)
    {
        var (query, problem) = SearchRequest.Parse(context.Request.Query);
        if (query is null)
        {
            return Answers.BadRequest(context, problem!);
        }

        var results = await search.SearchAsync(query, cancellationToken).ConfigureAwait(false);
        return Results.Ok(new SearchView(
            results.Mode.ToString(),
            results.Total,
            results.TotalIsExact,
            results.Elapsed.TotalMilliseconds,
            [.. results.Hits.Select(h => View(h.Record, node))],
            results.Facets));
    }

    private static IResult Record(string md5, HttpContext context, CatalogReader catalog, MirrorNode node)
    {
        if (Md5.Normalize(md5) is not { } key)
        {
            return Answers.BadRequest(context, $"\"{Html.Shorten(md5)}\" is not an MD5: expected 32 hexadecimal digits");
        }

        var record = catalog.FindByMd5(key);
        return record is null
            ? Answers.NotFound(context, "Not in the catalogue", $"No record with MD5 {key}.")
            : Results.Ok(View(record, node));
    }

    private static IResult Torrents(MirrorNode node) =>
        Results.Ok(node.View.Torrents.Select(t => new TorrentView(t.Name, t.Metainfo.InfoHash.ToString(), t.Volume, t.Metainfo.TotalLength, t.Metainfo.Files.Count, node.View.Replica(t.Name))).ToList());

    private static IResult Journal(HttpContext context, MirrorNode node)
    {
        string? problem = null;
        var limit = 100;
        if (context.Request.Query["limit"].ToString() is { Length: > 0 } l && (!int.TryParse(l, out limit) || limit is < 1 or > 10_000))
        {
            problem = $"limit \"{Html.Shorten(l)}\" must be a whole number from 1 to 10000";
        }

        var torrent = context.Request.Query["torrent"].ToString();
        return problem is not null
            ? Answers.BadRequest(context, problem)
            : Results.Ok(node.Store.RecentJournal(limit, torrent.Length > 0 ? torrent : null));
    }

    private static async Task<IResult> AddTorrentAsync(string name, HttpContext context, MirrorNode node, IOptions<NodeOptions> options, ClusterAdmin admin, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength is > MaxTorrentUpload)
        {
            return Answers.Problem(context, StatusCodes.Status413PayloadTooLarge, "Too large", $"a .torrent of {context.Request.ContentLength:N0} bytes; at most {MaxTorrentUpload:N0}");
        }

        if (!options.Value.Accepts(name))
        {
            return Answers.Problem(context, StatusCodes.Status409Conflict, "Not held by this node", $"this node is not configured to hold {Html.Shorten(name)} (Node:Collections, Node:Torrents)");
        }

        // Kestrel's request-body limit (MaxTorrentUpload) stops a chunked upload that claims no length.
        using var body = new MemoryStream();
        try
        {
            await context.Request.Body.CopyToAsync(body, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Answers.Problem(context, StatusCodes.Status413PayloadTooLarge, "Too large", $"a .torrent over {MaxTorrentUpload:N0} bytes");
        }

        try
        {
            var result = await node.AddTorrentAsync(name, body.ToArray(), cancellationToken).ConfigureAwait(false);
            if (!result.AlreadyHeld)
            {
                node.Store.Journal(result.Name, result.Volume, "None", "Registered", $"torrent added: {admin.Who(context)}", 0, DateTimeOffset.UtcNow);
            }

            return result.AlreadyHeld ? Results.Ok(result) : Results.Created($"/api/admin/torrents", result);
        }
        catch (Exception e) when (e is TorrentException or CatalogException)
        {
            return Answers.BadRequest(context, e.Message);
        }
        catch (IOException e)
        {
            return Answers.Problem(context, StatusCodes.Status507InsufficientStorage, "No room", e.Message);
        }
    }
}
