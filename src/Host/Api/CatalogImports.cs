using System.Buffers;
using LibraryCluster.Actors.Node;
using LibraryCluster.Catalog;
using LibraryCluster.Catalog.Dumps;
using LibraryCluster.Catalog.Import;
using LibraryCluster.Catalog.Store;
using LibraryCluster.Host.Configuration;
using LibraryCluster.Host.Web;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace LibraryCluster.Host.Api;

/// <summary>
/// <c>POST /api/admin/catalog/import?name=FILE</c> (<c>libcluster catalog import --node</c>): a LibGen dump in the
/// request body, plain SQL or gzip-compressed, imported into this node's catalogue while it serves. The body is read
/// as it arrives, through the importer's one buffer, never held whole; each transaction the importer commits is
/// searchable at once (the node's FTS5 index is in the catalogue, and Elasticsearch is sent what changed). One import
/// at a time per node; journaled with who asked. Safe to repeat, as any import: a broken-off upload keeps what it
/// committed and the same dump sent again finishes the job.
/// </summary>
public sealed partial class CatalogImports(IOptions<NodeOptions> options, MirrorNode node, ClusterAdmin admin, ILogger<CatalogImports> logger)
{
    private readonly SemaphoreSlim _one = new(1, 1);
    private string _running = string.Empty;

    public async Task<IResult> ImportAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var name = Path.GetFileName(new string([.. query["name"].ToString().Where(c => !char.IsControl(c)).Take(100)]).Trim());
        name = name.Length > 0 ? name : "upload.sql";
        var batch = new ImportOptions();
        if (query["batchRows"].ToString() is { Length: > 0 } rows)
        {
            if (!int.TryParse(rows, out var parsed) || parsed < 1)
            {
                return Answers.BadRequest(context, $"batchRows \"{Html.Shorten(rows)}\" must be a whole number of rows, at least 1");
            }

            batch = batch with { BatchRows = parsed };
        }

        if (!_one.Wait(0))
        {
            return Answers.Problem(context, StatusCodes.Status409Conflict, "Refused", $"another catalogue import is running on this node ({_running}); send this one when it has ended");
        }

        var who = admin.Who(context);
        _running = $"{name}, {who}";
        try
        {
            // The one route that takes more than a .torrent: a dump is gigabytes.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = null;
            }

            var body = context.Request.BodyReader;
            var head = await body.ReadAtLeastAsync(DumpFile.MagicLength, cancellationToken).ConfigureAwait(false);
            var magic = head.Buffer.Slice(0, Math.Min(head.Buffer.Length, DumpFile.MagicLength)).ToArray();
            body.AdvanceTo(head.Buffer.Start);
            if (magic.Length == 0)
            {
                return Answers.BadRequest(context, $"{name}: the request has no body; send the dump (plain SQL, or gzip-compressed) as the body");
            }

            using var dump = DumpFile.FromStream(body.AsStream(), magic, name, context.Request.ContentLength ?? 0);
            using var store = CatalogStore.Open(options.Value.CatalogPath);
            var report = await CatalogImporter.ImportAsync(store, dump, name, batch, null, cancellationToken).ConfigureAwait(false);
            var summary = ImportSummary.Of(report, store.CountRecords());
            var inserted = report.Tables.Sum(t => t.Inserted);
            var updated = report.Tables.Sum(t => t.Updated);
            var bad = report.Tables.Sum(t => t.Bad);
            node.Store.Journal(null, string.Empty, "Catalog", "Imported", $"catalogue import of {name}: {report.Rows:N0} rows ({inserted:N0} new, {updated:N0} changed, {bad:N0} bad): {who}", report.Bytes, DateTimeOffset.UtcNow);
            LogImported(logger, name, report.Rows, inserted, updated, bad);
            return Results.Ok(summary);
        }
        catch (CatalogException e)
        {
            return Answers.BadRequest(context, e.Message);
        }
        catch (IOException e) when (!cancellationToken.IsCancellationRequested)
        {
            LogBrokenOff(logger, name, e.Message);
            return Answers.BadRequest(context, $"{name}: the upload broke off ({e.Message}); what was committed before it stays, and sending it again finishes the import");
        }
        finally
        {
            _one.Release();
        }
    }

    [LoggerMessage(2040, LogLevel.Information, "catalogue import of {Name}: {Rows} rows ({Inserted} new, {Updated} changed, {Bad} bad)")]
    private static partial void LogImported(ILogger logger, string name, long rows, long inserted, long updated, long bad);

    [LoggerMessage(2041, LogLevel.Warning, "catalogue import of {Name} broke off: {Reason}")]
    private static partial void LogBrokenOff(ILogger logger, string name, string reason);
}
