using System.Buffers;
using System.Text.Json;
using LibraryCluster.Search.Elasticsearch.Json;

namespace LibraryCluster.Search.Elasticsearch;

/// <summary>When written documents become visible to searches (the <c>refresh</c> parameter).</summary>
public enum Refresh
{
    /// <summary>At the index's next periodic refresh (Elasticsearch's default, cheapest).</summary>
    False,

    /// <summary>At once, forcing a refresh (tests and small admin writes).</summary>
    True,

    /// <summary>The request waits for the next periodic refresh.</summary>
    WaitFor,
}

/// <summary>Index templates, indices, aliases, refresh and cluster information.</summary>
public sealed partial class ElasticsearchClient
{
    /// <summary>GET /: name and version, to check the address and credentials.</summary>
    public async Task<InfoResponse> InfoAsync(CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(HttpMethod.Get, string.Empty, null, Options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        return Read(answer, ElasticsearchJsonContext.Default.InfoResponse, "GET /");
    }

    /// <summary>PUT /_index_template/{name}: creates or replaces a composable index template.</summary>
    public async Task PutIndexTemplateAsync(string name, ReadOnlyMemory<byte> template, CancellationToken cancellationToken = default) =>
        await SendAsync(HttpMethod.Put, $"_index_template/{Segment(name)}", Body.Json(template), Options.RequestTimeout, cancellationToken).ConfigureAwait(false);

    /// <summary>PUT /{index}: creates an index (the matching template supplies mappings and analysis; <paramref name="body"/> may override settings).</summary>
    public async Task CreateIndexAsync(string index, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default) =>
        await SendAsync(HttpMethod.Put, Segment(index), Body.Json(body), Options.RequestTimeout, cancellationToken).ConfigureAwait(false);

    /// <summary>DELETE /{index}; false when there was no such index.</summary>
    public async Task<bool> DeleteIndexAsync(string index, CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(HttpMethod.Delete, Segment(index), null, Options.RequestTimeout, cancellationToken, accepted: 404).ConfigureAwait(false);
        return answer.Status != 404;
    }

    /// <summary>PUT /{index}/_settings: dynamic settings, e.g. replicas and refresh_interval after a bulk load.</summary>
    public async Task PutSettingsAsync(string index, ReadOnlyMemory<byte> settings, CancellationToken cancellationToken = default) =>
        await SendAsync(HttpMethod.Put, $"{Segment(index)}/_settings", Body.Json(settings), Options.RequestTimeout, cancellationToken).ConfigureAwait(false);

    /// <summary>POST /{index}/_refresh: makes everything written so far searchable.</summary>
    public async Task RefreshAsync(string index, CancellationToken cancellationToken = default) =>
        await SendAsync(HttpMethod.Post, $"{Segment(index)}/_refresh", null, Options.RequestTimeout, cancellationToken).ConfigureAwait(false);

    /// <summary>GET /_alias/{alias}: the indices the alias points at; empty when there is no such alias.</summary>
    public async Task<IReadOnlyList<string>> GetAliasAsync(string alias, CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(HttpMethod.Get, $"_alias/{Segment(alias)}", null, Options.RequestTimeout, cancellationToken, accepted: 404).ConfigureAwait(false);
        if (answer.Status == 404)
        {
            return [];
        }

        var indices = Read(answer, ElasticsearchJsonContext.Default.DictionaryStringAliasIndex, $"GET /_alias/{alias}");
        return [.. indices.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// POST /_aliases: in one atomic step, points <paramref name="alias"/> at <paramref name="index"/> and away from
    /// <paramref name="previous"/>, so searches go from the old index to the new one with no moment in between.
    /// </summary>
    public async Task SwapAliasAsync(string alias, string index, IReadOnlyList<string> previous, CancellationToken cancellationToken = default)
    {
        var body = WriteJson(writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("actions");
            foreach (var old in previous.Where(p => p != index))
            {
                writer.WriteStartObject();
                writer.WriteStartObject("remove");
                writer.WriteString("index", old);
                writer.WriteString("alias", alias);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteStartObject();
            writer.WriteStartObject("add");
            writer.WriteString("index", index);
            writer.WriteString("alias", alias);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
        await SendAsync(HttpMethod.Post, "_aliases", Body.Json(body), Options.RequestTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GET /_cat/indices/{pattern}?format=json: the indices matching a pattern with their health, documents and size in bytes.</summary>
    public async Task<IReadOnlyList<CatIndex>> ListIndicesAsync(string pattern, CancellationToken cancellationToken = default)
    {
        var answer = await SendAsync(HttpMethod.Get, $"_cat/indices/{Segment(pattern)}?format=json&bytes=b&h=index,health,docs.count,store.size&s=index", null, Options.RequestTimeout, cancellationToken, accepted: 404).ConfigureAwait(false);
        return answer.Status == 404 ? [] : Read(answer, ElasticsearchJsonContext.Default.ListCatIndex, "GET /_cat/indices");
    }

    /// <summary>Writes a JSON body with a fresh writer and returns its bytes.</summary>
    internal static byte[] WriteJson(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    internal static string RefreshValue(Refresh refresh) => refresh switch
    {
        Refresh.True => "true",
        Refresh.WaitFor => "wait_for",
        _ => "false",
    };
}
