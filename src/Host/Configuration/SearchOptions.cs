using LibraryCluster.Search.Elasticsearch;

namespace LibraryCluster.Host.Configuration;

/// <summary>
/// Section "Search": which backend answers searches. "sqlite" (the default) searches the node's catalogue file
/// through its FTS5 index; "elasticsearch" searches the cluster at <c>Search:Elasticsearch:Url</c> and keeps its
/// index in step with the catalogue and with what this node holds. The frontend is the same either way.
/// See docs/search.md.
/// </summary>
public sealed class SearchOptions
{
    public const string Section = "Search";

    public const string SqliteBackend = "sqlite";

    public const string ElasticsearchBackend = "elasticsearch";

    /// <summary>sqlite or elasticsearch.</summary>
    public string Backend { get; set; } = SqliteBackend;

    /// <summary>The Elasticsearch cluster and index settings (Url, ApiKey or Username/Password, CaFile, Alias…).</summary>
    public ElasticsearchOptions Elasticsearch { get; set; } = new();

    public bool UsesElasticsearch => string.Equals(Backend, ElasticsearchBackend, StringComparison.OrdinalIgnoreCase);
}
