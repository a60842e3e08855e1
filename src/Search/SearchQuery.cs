using LibraryCluster.Catalog;

namespace LibraryCluster.Search;

/// <summary>How results are ordered.</summary>
public enum SearchSort
{
    Relevance,
    YearNewest,
    YearOldest,
    SizeLargest,
    SizeSmallest,
    AddedNewest,
}

/// <summary>A search as a person asks it: free text (never passed raw to an engine), filters, sort and page.</summary>
public sealed record SearchQuery
{
    public const int MaxLimit = 500;

    /// <summary>Words, "quoted phrases", or an MD5, ISBN (either form) or DOI for an exact lookup.</summary>
    public string Text { get; init; } = string.Empty;

    public Collection? Collection { get; init; }

    /// <summary>Exact language value as LibGen writes it ("English", "Russian"…), case-insensitive.</summary>
    public string? Language { get; init; }

    public string? Extension { get; init; }

    public int? YearFrom { get; init; }

    public int? YearTo { get; init; }

    /// <summary>Only records whose torrent this mirror holds.</summary>
    public bool HeldOnly { get; init; }

    /// <summary>Also show records LibGen hides (Visible not empty).</summary>
    public bool IncludeHidden { get; init; }

    public SearchSort Sort { get; init; } = SearchSort.Relevance;

    public int Offset { get; init; }

    public int Limit { get; init; } = 20;

    /// <summary>
    /// How long the engine may work on this query before it answers with what it has (flagged
    /// <see cref="SearchResults.TimedOut"/>); null is the backend's default. The SQLite backend's work per query
    /// is bounded by what it ranks, so it answers in full and never flags a partial result.
    /// </summary>
    public TimeSpan? TimeBudget { get; init; }
}
