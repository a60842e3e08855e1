using System.Diagnostics;
using System.Globalization;
using LibraryCluster.Catalog;
using LibraryCluster.Catalog.Store;
using LibraryCluster.Catalog.Torrents;
using Microsoft.Data.Sqlite;

namespace LibraryCluster.Search.Sqlite;

/// <summary>
/// The embedded search backend: SQLite FTS5 over the catalogue file. One pass reads the matches'
/// facet fields and text, newest first; relevance (<see cref="RelevanceScorer"/>), counts, facets,
/// filters and the sort are then done in memory, and only the page's records are read in full. A
/// query matching more than <see cref="MaxRanked"/> records is answered from its newest
/// <see cref="MaxRanked"/> matches, with counts flagged as estimates.
/// </summary>
public sealed class SqliteCatalogSearch : ICatalogSearch, IDisposable
{
    /// <summary>Matches ranked and examined per query; a broader query is answered from its newest matches.</summary>
    public const int MaxRanked = 1_000;

    private const int FacetSize = 30;

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public SqliteCatalogSearch(string databasePath)
    {
        if (!File.Exists(databasePath))
        {
            throw new CatalogException($"{databasePath}: no catalogue here; make one with 'libcluster catalog import DUMP --db {databasePath}'");
        }

        _connection = CatalogStore.OpenConnection(databasePath, readOnly: true);
        if (Count("SELECT count(*) FROM sqlite_master WHERE name = 'records_fts'", string.Empty) == 0)
        {
            _connection.Dispose();
            throw new CatalogException($"{databasePath} has no search index; 'libcluster catalog import' builds it with the catalogue");
        }
    }

    public async Task<SearchResults> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Search(query, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _connection.Dispose();
        _gate.Dispose();
    }

    private SearchResults Search(SearchQuery query, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var parsed = QueryText.Parse(query.Text);
        var held = TorrentRegistration.Held(_connection);
        List<Candidate>? candidates = null;
        long matched = 0;

        // Expanding a prefix means merging the doclists of every word it starts: 15 ms for a word in a
        // third of the titles. When the finished word alone is already broad, its matches are ranked instead.
        if (parsed.Mode == SearchMode.FullText && parsed.Terms[^1].Prefix)
        {
            var whole = parsed with { Terms = [.. parsed.Terms.SkipLast(1), parsed.Terms[^1] with { Prefix = false }] };
            var wholeCandidates = Candidates(whole, QueryText.ToFts5(whole.Terms), query, held, cancellationToken, out var wholeMatched);
            if (wholeMatched > MaxRanked)
            {
                (parsed, candidates, matched) = (whole, wholeCandidates, wholeMatched);
            }
        }

        var fts = parsed.Mode == SearchMode.FullText ? QueryText.ToFts5(parsed.Terms) : string.Empty;
        if (candidates is null)
        {
            candidates = Candidates(parsed, fts, query, held, cancellationToken, out matched);
        }

        var exact = matched <= MaxRanked;

        var filter = new Filter(query);
        var facets = new Dictionary<string, IReadOnlyList<FacetValue>>
        {
            [Facets.Collection] = Facet(candidates, c => filter.Passes(c, except: Facets.Collection), c => ((Collection)c.Collection).ToString().ToLowerInvariant()),
            [Facets.Language] = Facet(candidates, c => filter.Passes(c, except: Facets.Language), c => c.Language),
            [Facets.Extension] = Facet(candidates, c => filter.Passes(c, except: Facets.Extension), c => c.Extension),
            [Facets.Year] = Facet(candidates, c => filter.Passes(c, except: Facets.Year), c => c.Year?.ToString(CultureInfo.InvariantCulture) ?? string.Empty),
        };

        var matches = candidates.Where(c => filter.Passes(c, except: null));
        matches = (parsed.Mode == SearchMode.Browse && query.Sort == SearchSort.Relevance ? SearchSort.AddedNewest : query.Sort) switch
        {
            SearchSort.YearNewest => matches.OrderByDescending(c => c.Year ?? int.MinValue).ThenByDescending(c => c.Score),
            SearchSort.YearOldest => matches.OrderBy(c => c.Year ?? int.MaxValue).ThenByDescending(c => c.Score),
            SearchSort.SizeLargest => matches.OrderByDescending(c => c.Size),
            SearchSort.SizeSmallest => matches.OrderBy(c => c.Size),
            SearchSort.AddedNewest => matches.OrderByDescending(c => c.Added).ThenByDescending(c => c.Key),
            _ => matches.OrderByDescending(c => c.Score).ThenByDescending(c => c.Key),
        };

        var passing = matches.ToList();
        var limit = Math.Clamp(query.Limit, 1, SearchQuery.MaxLimit);
        var page = passing.Skip(Math.Max(0, query.Offset)).Take(limit).ToList();
        return new SearchResults
        {
            Mode = parsed.Mode,
            Hits = Hydrate(page),
            Total = passing.Count,
            TotalIsExact = exact,
            Facets = facets,
            Elapsed = Stopwatch.GetElapsedTime(started),
            EngineQuery = fts,
        };
    }

    /// <summary>Reads the facet fields and text of the matches, newest first; <paramref name="matched"/> is how many were read (one more than <see cref="MaxRanked"/> means there are more).</summary>
    private List<Candidate> Candidates(ParsedQuery parsed, string fts, SearchQuery query, HashSet<(int, string)> held, CancellationToken cancellationToken, out long matched)
    {
        // Hidden records are dropped after reading, so that a broad query is recognised by its FTS matches alone.
        const string Fields = "r.key, r.collection, r.language, r.extension, r.year_num, r.filesize, r.time_added, r.torrent, r.visible = ''";
        const string Text = "r.title, r.author, r.series, r.publisher, r.identifiers || ' ' || r.isbns || ' ' || coalesce(r.doi, ''), r.journal";
        using var command = _connection.CreateCommand();
        command.Parameters.AddWithValue("$v", parsed.Mode == SearchMode.FullText ? fts : parsed.ExactValue ?? string.Empty);
        // Newest first (the FTS index walks rowids backwards for free), so a broad query ranks its newest matches.
        command.CommandText = parsed.Mode switch
        {
            SearchMode.FullText => $"SELECT {Fields}, {Text} FROM (SELECT rowid FROM records_fts WHERE records_fts MATCH $v ORDER BY rowid DESC LIMIT {MaxRanked + 1}) f JOIN records r ON r.key = f.rowid",
            SearchMode.Md5 => $"SELECT {Fields} FROM records r WHERE r.md5 = $v",
            SearchMode.Doi => $"SELECT {Fields} FROM records r WHERE r.doi = $v",
            SearchMode.Isbn => $"SELECT {Fields} FROM isbns i JOIN records r ON r.key = i.key WHERE i.isbn = $v",
            _ => $"SELECT {Fields} FROM records r ORDER BY r.key DESC LIMIT {MaxRanked + 1}",
        };

        var scorer = parsed.Mode == SearchMode.FullText ? new RelevanceScorer(parsed.Terms) : null;
        var text = new string[RelevanceScorer.Fields.Count];
        var candidates = new List<Candidate>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if ((candidates.Count & 0xFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var collection = reader.GetInt32(1);
                var torrent = reader.IsDBNull(7) ? null : reader.GetString(7);
                candidates.Add(new Candidate(
                    reader.GetInt64(0),
                    collection,
                    reader.GetString(2),
                    reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetInt32(4),
                    reader.GetInt64(5),
                    reader.IsDBNull(6) ? 0 : reader.GetInt64(6),
                    torrent is not null && held.Contains((collection, torrent)),
                    reader.GetBoolean(8),
                    scorer is null ? 0 : scorer.Score(Read(reader, 9, text))));
            }
        }

        // A broad query is not counted further (walking a third of a million matches costs 40 ms): its total is a lower bound.
        matched = candidates.Count;
        if (candidates.Count > MaxRanked)
        {
            candidates.RemoveAt(candidates.Count - 1);
        }

        return [.. candidates.Where(c => (c.Visible || query.IncludeHidden) && (c.Held || !query.HeldOnly))];
    }

    private static ReadOnlySpan<string> Read(SqliteDataReader reader, int first, string[] into)
    {
        for (var i = 0; i < into.Length; i++)
        {
            into[i] = reader.IsDBNull(first + i) ? string.Empty : reader.GetString(first + i);
        }

        return into;
    }

    private long Count(string sql, string value)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$v", value);
        return (long)command.ExecuteScalar()!;
    }

    private List<SearchHit> Hydrate(List<Candidate> page)
    {
        if (page.Count == 0)
        {
            return [];
        }

        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {CatalogStore.RecordColumns}, key FROM records WHERE key IN ({string.Join(',', page.Select(c => c.Key))})";
        var records = new Dictionary<long, Catalog.Records.CatalogRecord>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                records[reader.GetInt64(26)] = CatalogStore.ReadRecord(reader);
            }
        }

        return [.. page.Where(c => records.ContainsKey(c.Key)).Select(c => new SearchHit(records[c.Key], c.Held, c.Score))];
    }

    private static List<FacetValue> Facet(List<Candidate> candidates, Func<Candidate, bool> passes, Func<Candidate, string> value) =>
        [.. candidates.Where(passes).GroupBy(value, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Key.Length > 0)
            .Select(g => new FacetValue(g.Key, g.LongCount()))
            .OrderByDescending(f => f.Count).ThenBy(f => f.Value, StringComparer.Ordinal)
            .Take(FacetSize)];

    private readonly record struct Candidate(long Key, int Collection, string Language, string Extension, int? Year, long Size, long Added, bool Held, bool Visible, double Score);

    /// <summary>The query's filters, each of which can be left out to count its own facet.</summary>
    private sealed class Filter(SearchQuery query)
    {
        public bool Passes(in Candidate c, string? except) =>
            (except == Facets.Collection || query.Collection is null || c.Collection == (int)query.Collection)
            && (except == Facets.Language || query.Language is null || string.Equals(c.Language, query.Language, StringComparison.OrdinalIgnoreCase))
            && (except == Facets.Extension || query.Extension is null || string.Equals(c.Extension, query.Extension, StringComparison.OrdinalIgnoreCase))
            && (except == Facets.Year || ((query.YearFrom is null || c.Year >= query.YearFrom) && (query.YearTo is null || c.Year <= query.YearTo)));
    }
}
