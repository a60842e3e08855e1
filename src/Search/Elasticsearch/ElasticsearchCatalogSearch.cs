using System.Diagnostics;
using System.Text;
using System.Text.Json;
using LibraryCluster.Search.Elasticsearch.Json;

namespace LibraryCluster.Search.Elasticsearch;

/// <summary>
/// The university-scale search backend: the catalogue in Elasticsearch, behind the same <see cref="ICatalogSearch"/>
/// as the SQLite one (see <see cref="CatalogQuery"/> for how a query translates). One _search answers a page with its
/// total and facets; a page past Elasticsearch's 10,000-hit window is reached with search_after. Each search has a
/// time budget (Elasticsearch's <c>timeout</c>): what was found by then is returned and flagged
/// <see cref="SearchResults.TimedOut"/>. When no record matches the words as typed, one bounded fuzzy retry is made
/// and flagged <see cref="SearchResults.Fuzzy"/>. With a <c>fallback</c>, searches go there while the index does not
/// exist yet or Elasticsearch cannot be reached.
/// </summary>
public sealed class ElasticsearchCatalogSearch(ElasticsearchClient client, ICatalogSearch? fallback = null) : ICatalogSearch
{
    /// <summary>Elasticsearch's index.max_result_window: from + size may not pass it.</summary>
    public const int ResultWindow = 10_000;

    private static readonly string[] FacetNames = [Facets.Collection, Facets.Language, Facets.Extension, Facets.Year];

    /// <summary>Raised when a search was answered by the fallback instead, with the reason (for logs and metrics).</summary>
    public event Action<ElasticsearchException>? FellBack;

    private ElasticsearchOptions Options => client.Options;

    public async Task<SearchResults> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default)
    {
        try
        {
            return await SearchElasticsearchAsync(query, cancellationToken).ConfigureAwait(false);
        }
        catch (ElasticsearchException e) when (fallback is not null && (e.IsIndexMissing || e.IsUnavailable))
        {
            FellBack?.Invoke(e);
            return await fallback.SearchAsync(query, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<SearchResults> SearchElasticsearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var budget = query.TimeBudget is { } b && b > TimeSpan.Zero ? b : Options.TimeBudget;
        var parsed = QueryText.Parse(query.Text);
        var clause = CatalogQuery.Query(parsed, query);
        var page = await PageAsync(parsed, query, clause, budget, cancellationToken).ConfigureAwait(false);
        var fuzzy = false;

        var remaining = budget - Stopwatch.GetElapsedTime(started);
        if (page.Total == 0 && !page.TimedOut && parsed.Mode == SearchMode.FullText && Options.FuzzyEnabled
            && parsed.Terms.Any(t => t is { Words.Count: 1, Prefix: false }) && remaining > TimeSpan.FromMilliseconds(10))
        {
            var fuzzyClause = CatalogQuery.Query(parsed, query, new FuzzySettings(Options.Fuzziness, Options.FuzzyPrefixLength, Options.FuzzyMaxExpansions));
            var retry = await PageAsync(parsed, query, fuzzyClause, remaining, cancellationToken).ConfigureAwait(false);
            if (retry.Total > 0 || retry.TimedOut)
            {
                (page, clause, fuzzy) = (retry, fuzzyClause, true);
            }
        }

        return new SearchResults
        {
            Mode = parsed.Mode,
            Hits = page.Hits,
            Total = page.Total,
            TotalIsExact = page.TotalIsExact,
            Facets = page.Facets,
            Elapsed = Stopwatch.GetElapsedTime(started),
            TimedOut = page.TimedOut,
            Fuzzy = fuzzy,
            EngineQuery = parsed.Mode == SearchMode.FullText ? Encoding.UTF8.GetString(clause) : string.Empty,
        };
    }

    private sealed record Page(IReadOnlyList<SearchHit> Hits, long Total, bool TotalIsExact, IReadOnlyDictionary<string, IReadOnlyList<FacetValue>> Facets, bool TimedOut);

    /// <summary>One page: from/size inside the result window, else walked to with search_after (sort values only) first.</summary>
    private async Task<Page> PageAsync(ParsedQuery parsed, SearchQuery query, byte[] clause, TimeSpan budget, CancellationToken cancellationToken)
    {
        var limit = Math.Clamp(query.Limit, 1, SearchQuery.MaxLimit);
        var offset = Math.Max(0, query.Offset);
        var deadline = Stopwatch.GetTimestamp() + (long)(budget.TotalSeconds * Stopwatch.Frequency);
        TimeSpan Left() => TimeSpan.FromSeconds(Math.Max(0.01, (deadline - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency));
        SearchPage Request(int from, int size) => new() { From = from, Size = size, TrackTotalHitsUpTo = Options.TrackTotalHitsUpTo, Timeout = Left() };

        if (offset + limit <= ResultWindow)
        {
            var only = await SearchAsync(clause, parsed, query, Request(offset, limit), cancellationToken).ConfigureAwait(false);
            return ToPage(only, only.Hits.Hits);
        }

        // Deep paging: the first request counts and facets while it walks the first window.
        var first = await SearchAsync(clause, parsed, query, Request(0, Math.Min(ResultWindow, offset)) with { Source = false }, cancellationToken).ConfigureAwait(false);
        var timedOut = first.TimedOut;
        var skipped = first.Hits.Hits.Count;
        var last = SortValues.Of(first.Hits.Hits.LastOrDefault());
        var walked = first.Hits.Hits.Count;
        while (skipped < offset && walked > 0 && last is not null)
        {
            var step = await SearchAsync(clause, parsed, query, Request(0, Math.Min(ResultWindow, offset - skipped)) with { Source = false, Aggregations = false, SearchAfter = last }, cancellationToken).ConfigureAwait(false);
            timedOut |= step.TimedOut;
            walked = step.Hits.Hits.Count;
            skipped += walked;
            last = SortValues.Of(step.Hits.Hits.LastOrDefault()) ?? last;
        }

        if (skipped < offset || last is null)
        {
            return ToPage(first, []) with { TimedOut = timedOut };
        }

        var final = await SearchAsync(clause, parsed, query, Request(0, limit) with { Aggregations = false, SearchAfter = last }, cancellationToken).ConfigureAwait(false);
        return ToPage(first, final.Hits.Hits) with { TimedOut = timedOut || final.TimedOut };
    }

    private Task<SearchResponse<CatalogDocument>> SearchAsync(byte[] clause, ParsedQuery parsed, SearchQuery query, SearchPage page, CancellationToken cancellationToken) =>
        client.SearchAsync(Options.Alias, CatalogQuery.Body(clause, parsed, query, page), ElasticsearchJsonContext.Default.SearchResponseCatalogDocument, page.Timeout, cancellationToken);

    /// <summary>The total and facets of <paramref name="counted"/>, and the hits shown.</summary>
    private static Page ToPage(SearchResponse<CatalogDocument> counted, List<Hit<CatalogDocument>> shown)
    {
        var hits = shown
            .Where(h => h.Source is not null)
            .Select(h => new SearchHit(CatalogDocuments.ToRecord(h.Source!), h.Source!.HeldBy is { Count: > 0 }, h.Score ?? 0))
            .ToList();
        var total = counted.Hits.Total;
        return new Page(hits, total?.Value ?? hits.Count, total is null || total.Relation == "eq", FacetsOf(counted.Aggregations), counted.TimedOut);
    }

    /// <summary>Facet values as the SQLite backend gives them: empty values left out, most frequent first, then by value.</summary>
    internal static Dictionary<string, IReadOnlyList<FacetValue>> FacetsOf(Dictionary<string, FilterAggregate>? aggregations)
    {
        var facets = new Dictionary<string, IReadOnlyList<FacetValue>>();
        foreach (var name in FacetNames)
        {
            var buckets = aggregations?.GetValueOrDefault(name)?.Values?.Buckets ?? [];
            facets[name] = [.. buckets
                .Select(b => new FacetValue(b.KeyText, b.DocCount))
                .Where(f => f.Value.Length > 0 && f.Count > 0)
                .OrderByDescending(f => f.Count).ThenBy(f => f.Value, StringComparer.Ordinal)];
        }

        return facets;
    }
}

/// <summary>JSON helpers for sort values.</summary>
internal static class SortValues
{
    public static JsonElement? Of(Hit<CatalogDocument>? hit) => hit is null || hit.Sort.ValueKind != JsonValueKind.Array ? null : hit.Sort;
}
