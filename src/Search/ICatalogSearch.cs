namespace LibraryCluster.Search;

/// <summary>Search over the whole catalogue; the frontend does not know which engine answers.</summary>
public interface ICatalogSearch
{
    /// <summary>Answers a query. Any text is accepted: what cannot be searched gives no hits, never an error.</summary>
    Task<SearchResults> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default);
}
