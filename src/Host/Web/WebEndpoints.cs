using LibraryCluster.Actors.Cluster.Store;
using LibraryCluster.Actors.Node;
using LibraryCluster.Host.Api;
using LibraryCluster.Host.Node;
using LibraryCluster.Host.Swarm;
using LibraryCluster.Catalog.Records;
using LibraryCluster.Search;

namespace LibraryCluster.Host.Web;

/// <summary>The server-rendered pages: search, record, and the operator dashboard behind the admin token.</summary>
public static class WebEndpoints
{
    public static void MapWebEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", SearchAsync).ExcludeFromDescription();
        app.MapGet("/records/{md5}", (string md5, HttpContext context, CatalogReader catalog, MirrorNode node) =>
            Md5.Normalize(md5) is { } key ? Record(catalog.FindByMd5(key), key, context, catalog, node)
            : Answers.BadRequest(context, $"\"{Html.Shorten(md5)}\" is not an MD5: expected 32 hexadecimal digits")).ExcludeFromDescription();
        app.MapGet("/records/doi/{**doi}", (string doi, HttpContext context, CatalogReader catalog, MirrorNode node) =>
            doi.Length is > 0 and <= 300 ? Record(catalog.FindByDoi(doi), doi, context, catalog, node)
            : Answers.BadRequest(context, $"\"{Html.Shorten(doi)}\" is not a DOI")).ExcludeFromDescription();

        app.MapGet("/admin", DashboardAsync).ExcludeFromDescription();
        app.MapGet("/admin/login", (AdminAuth auth, HttpContext context) =>
            auth.Enabled ? Html.Result("Sign in", DashboardPage.Login(null)) : auth.Refuse(context)).ExcludeFromDescription();
        app.MapPost("/admin/login", async (HttpContext context, AdminAuth auth) =>
        {
            if (!auth.Enabled)
            {
                return auth.Refuse(context);
            }

            var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false) : null;
            return auth.SignIn(context, form?["token"].ToString())
                ? Results.Redirect("/admin")
                : Results.Content(DashboardPage.Login("That is not this node's admin token."), "text/html; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized);
        }).ExcludeFromDescription().DisableAntiforgery();
        app.MapPost("/admin/logout", (HttpContext context) =>
        {
            AdminAuth.SignOut(context);
            return Results.Redirect("/");
        }).ExcludeFromDescription().DisableAntiforgery();
    }

    private static async Task<IResult> SearchAsync(HttpContext context, ICatalogSearch search, CancellationToken cancellationToken)
    {
        var raw = context.Request.Query;
        var (query, problem) = SearchRequest.Parse(raw);
        if (query is null)
        {
            return Html.Result("Search", SearchPage.Render(raw, null, null, problem), StatusCodes.Status400BadRequest);
        }

        // The bare front page browses nothing: it is a search box until someone asks.
        if (raw.Count == 0)
        {
            return Html.Result("Search", SearchPage.Render(raw, null, null, null));
        }

        var results = await search.SearchAsync(query, cancellationToken).ConfigureAwait(false);
        return Results.Content(SearchPage.Render(raw, query, results, null), "text/html; charset=utf-8");
    }

    private static IResult Record(CatalogRecord? record, string key, HttpContext context, CatalogReader catalog, MirrorNode node)
    {
        if (record is null)
        {
            return Answers.NotFound(context, "Not in the catalogue", $"No book or article {key} is in this mirror's catalogue.");
        }

        var description = record.Md5 is { } md5 ? catalog.Read(s => s.GetDescription(record.Collection, md5))?.Description : null;
        return Results.Content(RecordPage.Render(record, description, node), "text/html; charset=utf-8");
    }

    private static async Task<IResult> DashboardAsync(HttpContext context, AdminAuth auth, MirrorNode node, SwarmRuntime swarm, ScrapeStore scrapes, ScrapeService scraping, CancellationToken cancellationToken)
    {
        if (!auth.IsAuthorized(context))
        {
            return auth.Enabled ? Results.Redirect("/admin/login") : auth.Refuse(context);
        }

        var volumes = await node.GetVolumesAsync(cancellationToken).ConfigureAwait(false);
        var seeding = await swarm.DescribeAsync(cancellationToken).ConfigureAwait(false);
        var swarms = DashboardPage.Swarms(node, scrapes, DateTimeOffset.UtcNow);
        return Results.Content(DashboardPage.Render(node, volumes, node.Store.RecentJournal(50), seeding, swarms, scraping.Last), "text/html; charset=utf-8");
    }
}
