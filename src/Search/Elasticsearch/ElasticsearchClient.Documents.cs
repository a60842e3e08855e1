using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LibraryCluster.Search.Elasticsearch.Json;

namespace LibraryCluster.Search.Elasticsearch;

/// <summary>_bulk, _update_by_query, _count, _search and _msearch.</summary>
public sealed partial class ElasticsearchClient
{
    /// <summary>Only what the bulk writer reads from an answer: per item its id, status and error (far less to parse than the full answer).</summary>
    internal const string BulkFilterPath = "errors,took,items.*._id,items.*.status,items.*.error.type,items.*.error.reason";

    /// <summary>
    /// POST /_bulk with an NDJSON body (every action line names its _index). Returns null when every item
    /// succeeded (the answer's items are then not read), else the items, in request order, for the caller to
    /// retry or report. A 429 for the whole request is retried here; per-item 429s are the caller's to retry.
    /// </summary>
    /// <param name="ndjson">Action and document lines, each ending in a newline.</param>
    /// <param name="refresh">When the writes become searchable.</param>
    /// <param name="requireAlias">Every action must name an alias (no index is created by accident when the alias is missing).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    public async Task<BulkResponse?> BulkAsync(ReadOnlyMemory<byte> ndjson, Refresh refresh = Refresh.False, bool requireAlias = false, CancellationToken cancellationToken = default)
    {
        var path = $"_bulk?refresh={RefreshValue(refresh)}{(requireAlias ? "&require_alias=true" : string.Empty)}&filter_path={BulkFilterPath}";
        // Read in place: when nothing failed (the usual case) the answer costs no allocation at all.
        return await SendAsync(HttpMethod.Post, path, Body.Lines(ndjson), Options.RequestTimeout, static (status, content) =>
        {
            var summary = Read(status, content, ElasticsearchJsonContext.Default.BulkSummary, "POST /_bulk");
            return summary.Errors ? Read(status, content, ElasticsearchJsonContext.Default.BulkResponse, "POST /_bulk") : null;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// POST /{index}/_update_by_query?conflicts=proceed: runs a script over every matching document, in
    /// Elasticsearch, without sending the documents. Version conflicts are counted, not fatal; the caller retries.
    /// </summary>
    public async Task<UpdateByQueryResponse> UpdateByQueryAsync(string index, ReadOnlyMemory<byte> body, Refresh refresh = Refresh.False, CancellationToken cancellationToken = default)
    {
        // update_by_query takes refresh=true|false only (no wait_for).
        var path = $"{Segment(index)}/_update_by_query?conflicts=proceed&refresh={(refresh == Refresh.False ? "false" : "true")}";
        var answer = await SendAsync(HttpMethod.Post, path, Body.Json(body), Options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        return Read(answer, ElasticsearchJsonContext.Default.UpdateByQueryResponse, $"POST /{index}/_update_by_query");
    }

    /// <summary>POST /{index}/_count with a body holding a query (or none for every document).</summary>
    public async Task<long> CountAsync(string index, ReadOnlyMemory<byte>? query = null, CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(HttpMethod.Post, $"{Segment(index)}/_count", query is { } q ? Body.Json(q) : null, Options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        return Read(answer, ElasticsearchJsonContext.Default.CountResponse, $"POST /{index}/_count").Count;
    }

    /// <summary>
    /// POST /{index}/_search. <paramref name="budget"/> is the time the search may take (the body's "timeout" says
    /// the same to Elasticsearch); the request is given a little more, and is retried only while the budget lasts.
    /// </summary>
    public async Task<SearchResponse<TDocument>> SearchAsync<TDocument>(string index, ReadOnlyMemory<byte> body, JsonTypeInfo<SearchResponse<TDocument>> type, TimeSpan budget, CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(HttpMethod.Post, $"{Segment(index)}/_search", Body.Json(body), HttpAllowance(budget), cancellationToken, _time.GetUtcNow() + budget, retryTimeouts: false).ConfigureAwait(false);
        return Read(answer, type, $"POST /{index}/_search");
    }

    /// <summary>
    /// POST /{index}/_msearch: several searches in one round trip (header line <c>{}</c>, then the body, per search).
    /// Each answer carries its own status; a failed one has <see cref="SearchResponse{TDocument}.Error"/> set.
    /// </summary>
    public async Task<IReadOnlyList<SearchResponse<TDocument>>> MultiSearchAsync<TDocument>(string index, IReadOnlyList<ReadOnlyMemory<byte>> bodies, JsonTypeInfo<MultiSearchResponse<TDocument>> type, TimeSpan budget, CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(HttpMethod.Post, $"{Segment(index)}/_msearch", Body.Lines(MultiSearchBody(bodies)), HttpAllowance(budget), cancellationToken, _time.GetUtcNow() + budget, retryTimeouts: false).ConfigureAwait(false);
        var responses = Read(answer, type, $"POST /{index}/_msearch").Responses;
        if (responses.Count != bodies.Count)
        {
            throw new ElasticsearchException($"Elasticsearch answered {responses.Count} searches of {bodies.Count} in one _msearch", answer.Status);
        }

        return responses;
    }

    /// <summary>The NDJSON of an _msearch: an empty header (the index is in the path) and the body, each on one line.</summary>
    internal static byte[] MultiSearchBody(IReadOnlyList<ReadOnlyMemory<byte>> bodies)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var body in bodies)
        {
            if (body.Span.Contains((byte)'\n'))
            {
                throw new ArgumentException("an _msearch body must be one line of JSON", nameof(bodies));
            }

            buffer.Write("{}\n"u8);
            buffer.Write(body.Span);
            buffer.Write("\n"u8);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The budget Elasticsearch is given, plus time for the answer to travel and a slow connection to open.</summary>
    private static TimeSpan HttpAllowance(TimeSpan budget) => budget + budget + TimeSpan.FromSeconds(1);

    /// <summary>A query clause as bytes, for <see cref="CountAsync"/>.</summary>
    public static byte[] QueryBody(Action<Utf8JsonWriter> writeQuery) => WriteJson(writer =>
    {
        writer.WriteStartObject();
        writer.WritePropertyName("query");
        writeQuery(writer);
        writer.WriteEndObject();
    });
}
