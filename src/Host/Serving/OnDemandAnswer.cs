using System.Globalization;
using LibraryCluster.Actors.Node;
using LibraryCluster.Actors.Replicas;
using LibraryCluster.Actors.Swarm;
using LibraryCluster.Catalog.Records;
using LibraryCluster.Host.Web;

namespace LibraryCluster.Host.Serving;

/// <summary>
/// A download of a file this node does not hold, when it fetches on demand (<c>Swarm:FetchOnDemand</c>): the
/// request starts (or joins) the fetch and is answered 202 with its progress, a page that reloads itself for a
/// browser and JSON with Retry-After for anything else. Once the file is fetched and verified the same address
/// serves it.
/// </summary>
public static class OnDemandAnswer
{
    private const int ReloadSeconds = 3;

    /// <summary>A fetch that failed is answered with its failure for this long before asking again retries it.</summary>
    private static readonly TimeSpan RetryFailedAfter = TimeSpan.FromMinutes(1);

    /// <summary>The answer for <paramref name="record"/>, or null when it cannot be fetched on demand here.</summary>
    public static IResult? TryFetch(CatalogRecord record, HttpContext context, MirrorNode node)
    {
        if (!node.OnDemand.Enabled || record.Torrent is not { } torrent || record.PathInTorrent is not { } path
            || node.View.Torrent(torrent) is not { } held || held.FindFile(path) is not { } index
            || node.View.Replica(torrent)?.State is null or ReplicaState.Lost or ReplicaState.Retiring)
        {
            return null;
        }

        var now = DateTimeOffset.UtcNow;
        var fetch = node.OnDemand.Find(torrent) is { Phase: OnDemandPhase.Failed } failed && now - failed.Since < RetryFailedAfter && failed.Requested.Contains(index)
            ? failed
            : node.OnDemand.Request(torrent, held.Metainfo, index, now);
        return Progress(context, record, fetch);
    }

    private static IResult Progress(HttpContext context, CatalogRecord record, OnDemandFetch fetch)
    {
        var name = record.Md5 ?? record.Doi;
        var (status, title, detail) = fetch.Phase switch
        {
            OnDemandPhase.Failed => (StatusCodes.Status503ServiceUnavailable, "Could not fetch it", $"Fetching {name} from the BitTorrent swarm failed: {fetch.Problem} Try again in a minute."),
            OnDemandPhase.Verifying => (StatusCodes.Status202Accepted, "Checking it", $"{name} has arrived from the BitTorrent swarm; this mirror is checking it against the torrent's hashes before serving it."),
            // Ready, but this request did not find it servable: the copy is being checked again.
            OnDemandPhase.Ready => (StatusCodes.Status202Accepted, "Checking it", $"{name} is here and being checked again; it is served as soon as that is done."),
            _ => (StatusCodes.Status202Accepted, "Fetching it", $"{name} is not held by this mirror yet: it is being fetched from the BitTorrent swarm (torrent {fetch.Torrent}, {Html.Bytes(fetch.WantedBytes)} with the files that share its pieces) and checked against the torrent's hashes before it is served."),
        };
        var retry = fetch.Phase == OnDemandPhase.Failed ? (int)RetryFailedAfter.TotalSeconds : ReloadSeconds;
        context.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
        if (!Answers.WantsHtml(context))
        {
            return Results.Json(
                new OnDemandView(fetch.Phase.ToString().ToLowerInvariant(), Math.Round(fetch.Progress, 4), fetch.Torrent, fetch.WantedBytes, detail),
                statusCode: status);
        }

        // A browser reloads the page until the file is ready; then the same address downloads it.
        context.Response.Headers["Refresh"] = retry.ToString(CultureInfo.InvariantCulture);
        var percent = (int)Math.Floor(fetch.Progress * 100);
        var body = FormattableString.Invariant($"""
            <h1>{Html.Encode(title)}</h1>
            <p class="notice" id="on-demand" data-phase="{fetch.Phase.ToString().ToLowerInvariant()}">{Html.Encode(detail)}</p>
            {(fetch.Phase == OnDemandPhase.Failed ? string.Empty : $"<p><progress id=\"progress\" max=\"100\" value=\"{percent}\">{percent}%</progress> {percent}%</p><p>This page reloads itself; the download starts when the file is ready.</p>")}
            <p><a href="{Html.Encode(RecordPage.Link(record))}">Back to the record</a></p>
            """);
        return Results.Content(Html.Page(title, body), "text/html; charset=utf-8", statusCode: status);
    }
}

/// <summary>An on-demand fetch as the API shows it: phase (fetching, verifying, ready, failed), progress 0 to 1, and what is going on.</summary>
public sealed record OnDemandView(string Phase, double Progress, string Torrent, long WantedBytes, string Detail);
