using LibraryCluster.Catalog.Records;

namespace LibraryCluster.Search;

/// <summary>One result: the record, whether this mirror holds its file, and its relevance (higher is better).</summary>
public sealed record SearchHit(CatalogRecord Record, bool Held, double Score);

/// <summary>One value of a facet with the number of matches it would give.</summary>
public sealed record FacetValue(string Value, long Count);

/// <summary>How a query was answered.</summary>
public enum SearchMode
{
    /// <summary>Full-text search over titles, authors, series, publishers, identifiers and journals.</summary>
    FullText,

    /// <summary>An exact lookup by MD5.</summary>
    Md5,

    /// <summary>An exact lookup by ISBN (matched as ISBN-13).</summary>
    Isbn,

    /// <summary>An exact lookup by DOI.</summary>
    Doi,

    /// <summary>No text: filters only, newest first.</summary>
    Browse,
}

/// <summary>
/// A page of hits, the total, and facet counts. Each facet's counts apply every filter but its own,
/// so the other values of a selected facet stay visible with their counts.
/// </summary>
public sealed record SearchResults
{
    public required SearchMode Mode { get; init; }

    public required IReadOnlyList<SearchHit> Hits { get; init; }

    /// <summary>Matches after filters; a lower bound when <see cref="TotalIsExact"/> is false (a broad query is not counted to the end).</summary>
    public required long Total { get; init; }

    /// <summary>False when the query matched more records than one search ranks: hits come from the newest matches and counts are estimates.</summary>
    public bool TotalIsExact { get; init; } = true;

    public required IReadOnlyDictionary<string, IReadOnlyList<FacetValue>> Facets { get; init; }

    public required TimeSpan Elapsed { get; init; }

    /// <summary>True when the engine ran out of its time budget: the hits, total and facets cover only what it searched by then.</summary>
    public bool TimedOut { get; init; }

    /// <summary>True when no record matched the words as typed and these hits allow small misspellings (a bounded fuzzy retry).</summary>
    public bool Fuzzy { get; init; }

    /// <summary>The engine query the text became (for --json and debugging); empty for lookups.</summary>
    public string EngineQuery { get; init; } = string.Empty;
}
