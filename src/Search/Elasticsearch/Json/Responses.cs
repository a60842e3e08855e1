using System.Text.Json;
using System.Text.Json.Serialization;

namespace LibraryCluster.Search.Elasticsearch.Json;

// Elasticsearch 8 response bodies, as far as this client reads them. Unknown fields are ignored, so a newer
// server that adds fields is still understood.

/// <summary>An error body: <c>{"error":{"type":…,"reason":…,"root_cause":[…]},"status":400}</c>, or an older plain string.</summary>
public sealed class ErrorResponse
{
    [JsonPropertyName("error")]
    public JsonElement Error { get; set; }

    [JsonPropertyName("status")]
    public int Status { get; set; }
}

/// <summary>One error object: the type Elasticsearch names (mapper_parsing_exception…) and its reason.</summary>
public sealed class ErrorCause
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("reason")]
    public string? Reason { get; set; }

    [JsonPropertyName("caused_by")]
    public ErrorCause? CausedBy { get; set; }

    public override string ToString() => CausedBy is null ? $"{Type}: {Reason}" : $"{Type}: {Reason} (caused by {CausedBy})";
}

/// <summary>GET /: the cluster's name and version.</summary>
public sealed class InfoResponse
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("cluster_name")]
    public string? ClusterName { get; set; }

    [JsonPropertyName("version")]
    public InfoVersion? Version { get; set; }
}

public sealed class InfoVersion
{
    [JsonPropertyName("number")]
    public string? Number { get; set; }

    [JsonPropertyName("distribution")]
    public string? Distribution { get; set; }
}

/// <summary>Index creation, alias changes, templates: <c>{"acknowledged":true}</c>.</summary>
public sealed class AcknowledgedResponse
{
    [JsonPropertyName("acknowledged")]
    public bool Acknowledged { get; set; }
}

/// <summary>One row of GET /_cat/indices?format=json (every value is a string there).</summary>
public sealed class CatIndex
{
    [JsonPropertyName("index")]
    public string Index { get; set; } = string.Empty;

    [JsonPropertyName("health")]
    public string? Health { get; set; }

    [JsonPropertyName("docs.count")]
    public string? DocsCount { get; set; }

    [JsonPropertyName("store.size")]
    public string? StoreSize { get; set; }
}

/// <summary>POST /{index}/_count.</summary>
public sealed class CountResponse
{
    [JsonPropertyName("count")]
    public long Count { get; set; }
}

/// <summary>POST /_bulk, read only when <see cref="Errors"/> is true (see <see cref="BulkSummary"/>).</summary>
public sealed class BulkResponse
{
    [JsonPropertyName("took")]
    public long Took { get; set; }

    [JsonPropertyName("errors")]
    public bool Errors { get; set; }

    /// <summary>One entry per action, in request order: its action name ("index", "update"…) and outcome.</summary>
    [JsonPropertyName("items")]
    public List<Dictionary<string, BulkItemResult>> Items { get; set; } = [];
}

/// <summary>The first fields of a bulk response: when nothing failed, the items need not be read at all.</summary>
public sealed class BulkSummary
{
    [JsonPropertyName("took")]
    public long Took { get; set; }

    [JsonPropertyName("errors")]
    public bool Errors { get; set; }
}

public sealed class BulkItemResult
{
    [JsonPropertyName("_id")]
    public string? Id { get; set; }

    [JsonPropertyName("status")]
    public int Status { get; set; }

    [JsonPropertyName("result")]
    public string? Result { get; set; }

    [JsonPropertyName("error")]
    public ErrorCause? Error { get; set; }
}

/// <summary>POST /{index}/_update_by_query.</summary>
public sealed class UpdateByQueryResponse
{
    [JsonPropertyName("took")]
    public long Took { get; set; }

    [JsonPropertyName("timed_out")]
    public bool TimedOut { get; set; }

    [JsonPropertyName("total")]
    public long Total { get; set; }

    [JsonPropertyName("updated")]
    public long Updated { get; set; }

    [JsonPropertyName("noops")]
    public long Noops { get; set; }

    [JsonPropertyName("version_conflicts")]
    public long VersionConflicts { get; set; }

    [JsonPropertyName("failures")]
    public List<JsonElement> Failures { get; set; } = [];
}

/// <summary>POST /{index}/_search, and each entry of an _msearch answer (which adds status and, on failure, error).</summary>
public sealed class SearchResponse<TDocument>
{
    [JsonPropertyName("took")]
    public long Took { get; set; }

    [JsonPropertyName("timed_out")]
    public bool TimedOut { get; set; }

    [JsonPropertyName("_shards")]
    public ShardStatistics? Shards { get; set; }

    [JsonPropertyName("hits")]
    public HitsMetadata<TDocument> Hits { get; set; } = new();

    [JsonPropertyName("aggregations")]
    public Dictionary<string, FilterAggregate>? Aggregations { get; set; }

    /// <summary>In an _msearch answer: this search's HTTP status.</summary>
    [JsonPropertyName("status")]
    public int? Status { get; set; }

    /// <summary>In an _msearch answer: why this search failed.</summary>
    [JsonPropertyName("error")]
    public ErrorCause? Error { get; set; }
}

public sealed class ShardStatistics
{
    [JsonPropertyName("total")]
    public int Total { get; set; }

    [JsonPropertyName("successful")]
    public int Successful { get; set; }

    [JsonPropertyName("skipped")]
    public int Skipped { get; set; }

    [JsonPropertyName("failed")]
    public int Failed { get; set; }
}

public sealed class HitsMetadata<TDocument>
{
    [JsonPropertyName("total")]
    public TotalHits? Total { get; set; }

    [JsonPropertyName("max_score")]
    public double? MaxScore { get; set; }

    [JsonPropertyName("hits")]
    public List<Hit<TDocument>> Hits { get; set; } = [];
}

/// <summary><c>{"value":N,"relation":"eq"|"gte"}</c>.</summary>
public sealed class TotalHits
{
    [JsonPropertyName("value")]
    public long Value { get; set; }

    [JsonPropertyName("relation")]
    public string Relation { get; set; } = "eq";
}

public sealed class Hit<TDocument>
{
    [JsonPropertyName("_index")]
    public string? Index { get; set; }

    [JsonPropertyName("_id")]
    public string? Id { get; set; }

    [JsonPropertyName("_score")]
    public double? Score { get; set; }

    [JsonPropertyName("_source")]
    public TDocument? Source { get; set; }

    /// <summary>The hit's sort values, passed back as search_after for the next page.</summary>
    [JsonPropertyName("sort")]
    public JsonElement Sort { get; set; }
}

/// <summary>A filter aggregation (the facet's "every filter but its own") holding a terms aggregation named "values".</summary>
public sealed class FilterAggregate
{
    [JsonPropertyName("doc_count")]
    public long DocCount { get; set; }

    [JsonPropertyName("values")]
    public TermsAggregate? Values { get; set; }
}

public sealed class TermsAggregate
{
    [JsonPropertyName("doc_count_error_upper_bound")]
    public long DocCountErrorUpperBound { get; set; }

    [JsonPropertyName("sum_other_doc_count")]
    public long SumOtherDocCount { get; set; }

    [JsonPropertyName("buckets")]
    public List<TermsBucket> Buckets { get; set; } = [];
}

/// <summary>A bucket's key is a string for keyword fields and a number for numeric ones.</summary>
public sealed class TermsBucket
{
    [JsonPropertyName("key")]
    public JsonElement Key { get; set; }

    [JsonPropertyName("key_as_string")]
    public string? KeyAsString { get; set; }

    [JsonPropertyName("doc_count")]
    public long DocCount { get; set; }

    /// <summary>The key as text: a keyword as is, a number in invariant digits.</summary>
    public string KeyText => KeyAsString ?? (Key.ValueKind == JsonValueKind.String ? Key.GetString()! : Key.GetRawText());
}

/// <summary>POST /{index}/_msearch: one answer per search, in request order.</summary>
public sealed class MultiSearchResponse<TDocument>
{
    [JsonPropertyName("took")]
    public long Took { get; set; }

    [JsonPropertyName("responses")]
    public List<SearchResponse<TDocument>> Responses { get; set; } = [];
}

/// <summary>GET /_alias/{name}: index name → its aliases.</summary>
public sealed class AliasIndex
{
    [JsonPropertyName("aliases")]
    public Dictionary<string, JsonElement> Aliases { get; set; } = [];
}
