using System.IO.Compression;
using LibraryCluster.Actors.Node;
using LibraryCluster.Catalog.Records;
using LibraryCluster.Host.Cluster;
using LibraryCluster.Host.Monitoring;
using LibraryCluster.Host.Node;
using LibraryCluster.Host.Web;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace LibraryCluster.Host.Serving;

/// <summary>
/// Downloads: a book by MD5, an article by DOI (or its MD5), streamed from a replica whose last check found
/// that file intact. Range, ETag (the MD5), Last-Modified and a readable file name; never a file that failed
/// verification, and a clear answer, not an error, when the file is not held here.
/// </summary>
public static class FileEndpoints
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static void MapFileEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/files/{md5}", [HttpMethods.Get, HttpMethods.Head], ByMd5).ExcludeFromDescription();
        app.MapMethods("/files/doi/{**doi}", [HttpMethods.Get, HttpMethods.Head], ByDoi).ExcludeFromDescription();
    }

    private static async Task<IResult> ByMd5(string md5, HttpContext context, CatalogReader catalog, DownloadQueue queue, MirrorNode node, NodeMetrics metrics, ClusterRuntime cluster, DownloadForwarder forwarder)
    {
        if (Md5.Normalize(md5) is not { } key)
        {
            return Answers.BadRequest(context, $"\"{Html.Shorten(md5)}\" is not an MD5: expected 32 hexadecimal digits");
        }

        return await InTurn(context, queue, turn => catalog.FindByMd5(key) is { } record
            ? Serve(record, context, turn, node, metrics, cluster, forwarder)
            : Task.FromResult(Answers.NotFound(context, "Not in the catalogue", $"No book or article with MD5 {key} is in this mirror's catalogue."))).ConfigureAwait(false);
    }

    private static async Task<IResult> ByDoi(string doi, HttpContext context, CatalogReader catalog, DownloadQueue queue, MirrorNode node, NodeMetrics metrics, ClusterRuntime cluster, DownloadForwarder forwarder)
    {
        if (doi.Length is 0 or > 300 || !doi.StartsWith("10.", StringComparison.Ordinal) || doi.Any(char.IsControl))
        {
            return Answers.BadRequest(context, $"\"{Html.Shorten(doi)}\" is not a DOI: expected 10.<registrant>/<suffix>, at most 300 characters");
        }

        return await InTurn(context, queue, turn => catalog.FindByDoi(doi) is { } record
            ? Serve(record, context, turn, node, metrics, cluster, forwarder)
            : Task.FromResult(Answers.NotFound(context, "Not in the catalogue", $"No article with DOI {doi} is in this mirror's catalogue."))).ConfigureAwait(false);
    }

    /// <summary>Runs a download's work in its turn (see <see cref="DownloadQueue"/>); a whole-file body gives the turn back once it flows.</summary>
    private static async Task<IResult> InTurn(HttpContext context, DownloadQueue queue, Func<DownloadTurn, Task<IResult>> serve)
    {
        if (await queue.WaitAsync(context.RequestAborted).ConfigureAwait(false) is not { } turn)
        {
            context.Response.Headers.RetryAfter = "5";
            return Answers.Problem(context, StatusCodes.Status503ServiceUnavailable, "Busy", "Too many downloads are waiting here; try again in a few seconds.");
        }

        context.Response.RegisterForDispose(turn);
        var result = await serve(turn).ConfigureAwait(false);
        if (result is not WholeFileResult)
        {
            turn.Dispose();
        }

        return result;
    }

    private static async Task<IResult> Serve(CatalogRecord record, HttpContext context, DownloadTurn turn, MirrorNode node, NodeMetrics metrics, ClusterRuntime cluster, DownloadForwarder forwarder)
    {
        var name = record.Md5 ?? record.Doi;
        if (record.Torrent is null || record.PathInTorrent is null)
        {
            return Answers.NotFound(context, "Not mirrored", $"{name} is in the catalogue, but no torrent holds its file, so no mirror can serve it.");
        }

        if (node.FindServable(record.Torrent, record.PathInTorrent) is not { } file)
        {
            // Any node serves any file: pass it through from a peer that holds it intact.
            if (cluster.Enabled && DownloadForwarder.MayForward(context.Request)
                && cluster.View.PeersWith(record.Torrent, cluster.Options.NodeId) is { Count: > 0 } peers
                && await forwarder.ForwardAsync(context, peers).ConfigureAwait(false) is { } forwarded)
            {
                metrics.Downloads.Increment();
                return forwarded;
            }

            if (OnDemandAnswer.TryFetch(record, context, node) is { } fetching)
            {
                return fetching;
            }

            var state = node.View.Replica(record.Torrent)?.State.ToString().ToLowerInvariant() ?? "not held";
            return Answers.NotFound(context, "Not held here", $"{name} is in torrent {record.Torrent}, which this mirror does not hold intact ({state}). Try another mirror, or fetch the torrent.");
        }

        var info = new FileInfo(file.Path);
        if (file.ChangedSinceVerified(info) is { } change)
        {
            // The data changed under us since it verified: withhold it and have the replica check again.
            node.ReportReadError(record.Torrent, change);
            return Answers.Problem(context, StatusCodes.Status503ServiceUnavailable, "Being checked", $"{name}'s copy here is being checked again; try again later or use another mirror.");
        }

        metrics.Downloads.Increment();
        var lastModified = record.TimeAdded is { } added ? new DateTimeOffset(added, TimeSpan.Zero) : info.LastWriteTimeUtc;
        var downloadName = DownloadName.For(record);
        var contentType = ContentTypes.TryGetContentType(downloadName, out var type) ? type : "application/octet-stream";
        var etag = record.Md5 is { } md5 ? new EntityTagHeaderValue($"\"{md5}\"") : null;

        if (record.ZipEntry is { } entryName)
        {
            return ServeZipEntry(file.Path, entryName, downloadName, contentType, lastModified, etag, context);
        }

        return WholeFileResult.Handles(context.Request)
            ? new WholeFileResult(file.Path, file.Length, contentType, downloadName, lastModified, etag, detail => node.ReportReadError(file.Torrent.Name, detail), turn)
            : Results.File(file.Path, contentType, downloadName, lastModified, etag, enableRangeProcessing: true);
    }

    /// <summary>An article straight out of its zip, without extracting it.</summary>
    private static IResult ServeZipEntry(string zipPath, string entryName, string downloadName, string contentType, DateTimeOffset lastModified, EntityTagHeaderValue? etag, HttpContext context)
    {
        var zip = ZipFile.OpenRead(zipPath);
        var entry = zip.GetEntry(entryName);
        if (entry is null)
        {
            zip.Dispose();
            return Answers.NotFound(context, "Not in its zip", $"{Path.GetFileName(zipPath)} holds no entry {entryName}; the catalogue and the torrent disagree.");
        }

        context.Response.RegisterForDispose(zip);
        context.Response.ContentLength = entry.Length;
        return Results.Stream(entry.Open(), contentType, downloadName, lastModified, etag);
    }
}
