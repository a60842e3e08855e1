using System.Globalization;
using System.Text.Json;

namespace LibraryCluster.Search.Elasticsearch;

/// <summary>How forgiving a full-text query is of misspellings: Elasticsearch's fuzziness, prefix length and expansion limit.</summary>
public sealed record FuzzySettings(string Fuzziness, int PrefixLength, int MaxExpansions);

/// <summary>Which page of hits one request asks for, and what else it carries.</summary>
public sealed record SearchPage
{
    public int From { get; init; }

    public int Size { get; init; }

    /// <summary>The last hit's sort values of the page before (deep paging); From is then 0.</summary>
    public JsonElement? SearchAfter { get; init; }

    /// <summary>Facet aggregations (the first request of a search only).</summary>
    public bool Aggregations { get; init; } = true;

    /// <summary>False for requests that only walk past hits to reach a deep page: sort values, no documents.</summary>
    public bool Source { get; init; } = true;

    public required int TrackTotalHitsUpTo { get; init; }

    public required TimeSpan Timeout { get; init; }
}

/// <summary>
/// Translates a <see cref="SearchQuery"/> into Elasticsearch's query DSL with the semantics of the SQLite backend:
/// every word must match in some field (title, author, series, publisher, identifiers, journal, weighted as the
/// SQLite scorer weighs them), quoted phrases match in order within one field, the last unfinished word matches as
/// a prefix, exact lookups are term filters, hidden and not-held records are left out before facets are counted,
/// and the facet filters (collection, language, extension, years) go in <c>post_filter</c> so that each facet's
/// counts, an aggregation filtered by every filter but its own, keep the other values of a selected facet.
/// Pure: bytes in, bytes out, no I/O.
/// </summary>
public static class CatalogQuery
{
    /// <summary>Values per facet, as the SQLite backend returns.</summary>
    public const int FacetSize = 30;

    /// <summary>Searched fields with their weights, in the SQLite scorer's order and proportions.</summary>
    public static IReadOnlyList<string> Fields { get; } = ["title^10", "author^6", "series^3", "publisher^1.5", "identifiers.text^1", "journal^3"];

    private static readonly string[] FacetNames = [Facets.Collection, Facets.Language, Facets.Extension, Facets.Year];

    /// <summary>The query clause (no paging, sorting or facets): what decides which records match.</summary>
    public static byte[] Query(ParsedQuery parsed, SearchQuery query, FuzzySettings? fuzzy = null) =>
        ElasticsearchClient.WriteJson(writer => WriteQuery(writer, parsed, query, fuzzy));

    /// <summary>The whole _search body around a query clause made by <see cref="Query"/>.</summary>
    public static byte[] Body(ReadOnlySpan<byte> queryClause, ParsedQuery parsed, SearchQuery query, SearchPage page)
    {
        var clause = queryClause.ToArray();
        return ElasticsearchClient.WriteJson(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("timeout", string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, (long)Math.Ceiling(page.Timeout.TotalMilliseconds))}ms"));
            if (page.Aggregations)
            {
                writer.WriteNumber("track_total_hits", page.TrackTotalHitsUpTo);
            }
            else
            {
                writer.WriteBoolean("track_total_hits", false);
            }

            if (page.SearchAfter is null)
            {
                writer.WriteNumber("from", page.From);
            }

            writer.WriteNumber("size", page.Size);
            if (!page.Source)
            {
                writer.WriteBoolean("_source", false);
            }

            writer.WritePropertyName("query");
            writer.WriteRawValue(clause, skipInputValidation: true);
            if (HasFacetFilter(query, except: null))
            {
                writer.WritePropertyName("post_filter");
                WriteFacetFilter(writer, query, except: null);
            }

            if (page.Aggregations)
            {
                WriteAggregations(writer, query);
            }

            WriteSort(writer, parsed, query);
            if (parsed.Mode == SearchMode.FullText)
            {
                // Scores for every sort, as the SQLite backend gives them.
                writer.WriteBoolean("track_scores", true);
            }

            if (page.SearchAfter is { } after)
            {
                writer.WritePropertyName("search_after");
                after.WriteTo(writer);
            }

            writer.WriteEndObject();
        });
    }

    /// <summary>The sort the SQLite backend applies: a browse by relevance is newest first; ties go to the newest record (highest key).</summary>
    public static SearchSort EffectiveSort(ParsedQuery parsed, SearchQuery query) =>
        parsed.Mode == SearchMode.Browse && query.Sort == SearchSort.Relevance ? SearchSort.AddedNewest : query.Sort;

    private static void WriteQuery(Utf8JsonWriter writer, ParsedQuery parsed, SearchQuery query, FuzzySettings? fuzzy)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("bool");
        if (parsed.Mode == SearchMode.FullText)
        {
            writer.WriteStartArray("must");
            foreach (var term in parsed.Terms)
            {
                WriteTerm(writer, term, fuzzy);
            }

            writer.WriteEndArray();
        }

        writer.WriteStartArray("filter");
        switch (parsed.Mode)
        {
            case SearchMode.Md5:
                Term(writer, "md5", parsed.ExactValue!);
                break;
            case SearchMode.Isbn:
                Term(writer, "isbn13", parsed.ExactValue!);
                break;
            case SearchMode.Doi:
                Term(writer, "doi", parsed.ExactValue!);
                break;
        }

        if (!query.IncludeHidden)
        {
            Term(writer, "visible", string.Empty);
        }

        if (query.HeldOnly)
        {
            writer.WriteStartObject();
            writer.WriteStartObject("exists");
            writer.WriteString("field", "held_by");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>One word or phrase: it must match in at least one of the fields (words may match in different fields).</summary>
    private static void WriteTerm(Utf8JsonWriter writer, QueryTerm term, FuzzySettings? fuzzy)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("multi_match");
        writer.WriteString("query", string.Join(' ', term.Words));
        writer.WriteStartArray("fields");
        foreach (var field in Fields)
        {
            writer.WriteStringValue(field);
        }

        writer.WriteEndArray();
        if (term.Words.Count > 1)
        {
            writer.WriteString("type", "phrase");
        }
        else if (term.Prefix)
        {
            // match_bool_prefix on each field: the word's analysed form as a prefix, served by index_prefixes.
            writer.WriteString("type", "bool_prefix");
        }
        else
        {
            writer.WriteString("type", "most_fields");
            if (fuzzy is not null)
            {
                writer.WriteString("fuzziness", fuzzy.Fuzziness);
                writer.WriteNumber("prefix_length", fuzzy.PrefixLength);
                writer.WriteNumber("max_expansions", fuzzy.MaxExpansions);
            }
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void Term(Utf8JsonWriter writer, string field, string value)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("term");
        writer.WriteString(field, value);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static bool HasFacetFilter(SearchQuery query, string? except) =>
        (except != Facets.Collection && query.Collection is not null)
        || (except != Facets.Language && query.Language is not null)
        || (except != Facets.Extension && query.Extension is not null)
        || (except != Facets.Year && (query.YearFrom is not null || query.YearTo is not null));

    /// <summary>The facet filters but <paramref name="except"/>'s, as one bool filter (match_all when there are none).</summary>
    private static void WriteFacetFilter(Utf8JsonWriter writer, SearchQuery query, string? except)
    {
        writer.WriteStartObject();
        if (!HasFacetFilter(query, except))
        {
            writer.WriteStartObject("match_all");
            writer.WriteEndObject();
            writer.WriteEndObject();
            return;
        }

        writer.WriteStartObject("bool");
        writer.WriteStartArray("filter");
        if (except != Facets.Collection && query.Collection is { } collection)
        {
            Term(writer, "collection", CatalogDocuments.CollectionName(collection));
        }

        if (except != Facets.Language && query.Language is { } language)
        {
            Term(writer, "language", CatalogDocuments.CanonicalLanguage(language));
        }

        if (except != Facets.Extension && query.Extension is { } extension)
        {
            Term(writer, "extension", CatalogDocuments.CanonicalExtension(extension));
        }

        if (except != Facets.Year && (query.YearFrom is not null || query.YearTo is not null))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("range");
            writer.WriteStartObject("year");
            if (query.YearFrom is { } from)
            {
                writer.WriteNumber("gte", from);
            }

            if (query.YearTo is { } to)
            {
                writer.WriteNumber("lte", to);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>One filter aggregation per facet (every facet filter but its own) around a terms aggregation named "values".</summary>
    private static void WriteAggregations(Utf8JsonWriter writer, SearchQuery query)
    {
        writer.WriteStartObject("aggs");
        foreach (var facet in FacetNames)
        {
            writer.WriteStartObject(facet);
            writer.WritePropertyName("filter");
            WriteFacetFilter(writer, query, except: facet);
            writer.WriteStartObject("aggs");
            writer.WriteStartObject("values");
            writer.WriteStartObject("terms");
            writer.WriteString("field", facet);
            writer.WriteNumber("size", FacetSize);
            writer.WriteStartArray("order");
            writer.WriteStartObject();
            writer.WriteString("_count", "desc");
            writer.WriteEndObject();
            writer.WriteStartObject();
            writer.WriteString("_key", "asc");
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteSort(Utf8JsonWriter writer, ParsedQuery parsed, SearchQuery query)
    {
        writer.WriteStartArray("sort");
        switch (EffectiveSort(parsed, query))
        {
            case SearchSort.YearNewest:
                Field(writer, "year", "desc", missingLast: true);
                Field(writer, "_score", "desc");
                break;
            case SearchSort.YearOldest:
                Field(writer, "year", "asc", missingLast: true);
                Field(writer, "_score", "desc");
                break;
            case SearchSort.SizeLargest:
                Field(writer, "size", "desc");
                break;
            case SearchSort.SizeSmallest:
                Field(writer, "size", "asc");
                break;
            case SearchSort.AddedNewest:
                Field(writer, "added", "desc", missingLast: true);
                break;
            default:
                Field(writer, "_score", "desc");
                break;
        }

        // The tie-breaker, unique per record, that also makes search_after exact.
        Field(writer, "key", "desc");
        writer.WriteEndArray();
    }

    private static void Field(Utf8JsonWriter writer, string field, string order, bool missingLast = false)
    {
        writer.WriteStartObject();
        if (missingLast)
        {
            writer.WriteStartObject(field);
            writer.WriteString("order", order);
            writer.WriteString("missing", "_last");
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteString(field, order);
        }

        writer.WriteEndObject();
    }
}
