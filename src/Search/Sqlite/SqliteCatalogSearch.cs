using System.Diagnostics;
using System.Globalization;
using LibraryCluster.Catalog;
using LibraryCluster.Catalog.Store;
using Microsoft.Data.Sqlite;

namespace LibraryCluster.Search.Sqlite;

/// <summary>
/// The embedded search backend: SQLite FTS5 with bm25 over the catalogue file. One pass reads the
/// matches' facet fields (at most <see cref="MaxExamined"/>); counts, facets, filters and the sort
/// are then done in memory, and only the page's records are read in full.
/// </summary>
public sealed class SqliteCatalogSearch : ICatalogSearch, IDisposable
{
    /// <summary>Matches examined per query; beyond it counts become lower bounds.</summary>
    public const int MaxExamined = 200_000;

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
        var fts = parsed.Mode == SearchMode.FullText ? QueryText.ToFts5(parsed.Terms) : string.Empty;
        var held = HeldTorrents();
        var candidates = Candidates(parsed, fts, query, held, cancellationToken, out var exact);

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
            SearchSort.YearNewest => matches.OrderByDescending(c => c.Year ?? int.MinValue).ThenBy(c => c.Rank),
            SearchSort.YearOldest => matches.OrderBy(c => c.Year ?? int.MaxValue).ThenBy(c => c.Rank),
            SearchSort.SizeLargest => matches.OrderByDescending(c => c.Size),
            SearchSort.SizeSmallest => matches.OrderBy(c => c.Size),
            SearchSort.AddedNewest => matches.OrderByDescending(c => c.Added).ThenByDescending(c => c.Key),
            _ => matches.OrderBy(c => c.Rank).ThenBy(c => c.Key),
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

    private List<Candidate> Candidates(ParsedQuery parsed, string fts, SearchQuery query, HashSet<(int, string)> held, CancellationToken cancellationToken, out bool exact)
    {
        const string Fields = "r.key, r.collection, r.language, r.extension, r.year_num, r.filesize, r.time_added, r.torrent";
        var visible = query.IncludeHidden ? string.Empty : " AND r.visible = ''";
        using var command = _connection.CreateCommand();
        command.CommandText = parsed.Mode switch
        {
            SearchMode.FullText => $"SELECT {Fields}, f.rank FROM records_fts f JOIN records r ON r.key = f.rowid WHERE records_fts MATCH $v{visible} LIMIT {MaxExamined + 1}",
            SearchMode.Md5 => $"SELECT {Fields}, 0 FROM records r WHERE r.md5 = $v{visible}",
            SearchMode.Doi => $"SELECT {Fields}, 0 FROM records r WHERE r.doi = $v{visible}",
            SearchMode.Isbn => $"SELECT {Fields}, 0 FROM isbns i JOIN records r ON r.key = i.key WHERE i.isbn = $v{visible}",
            _ => $"SELECT {Fields}, 0 FROM records r WHERE 1{visible} ORDER BY r.key DESC LIMIT {MaxExamined + 1}",
        };
        command.Parameters.AddWithValue("$v", parsed.Mode == SearchMode.FullText ? fts : parsed.ExactValue ?? string.Empty);

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
                    reader.GetDouble(8)));
            }
        }

        exact = candidates.Count <= MaxExamined;
        if (!exact)
        {
            candidates.RemoveAt(candidates.Count - 1);
        }

        return query.HeldOnly ? candidates.Where(c => c.Held).ToList() : candidates;
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

        return [.. page.Where(c => records.ContainsKey(c.Key)).Select(c => new SearchHit(records[c.Key], c.Held, -c.Rank))];
    }

    private HashSet<(int, string)> HeldTorrents()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT collection, name FROM torrents WHERE held = 1";
        using var reader = command.ExecuteReader();
        var held = new HashSet<(int, string)>();
        while (reader.Read())
        {
            held.Add((reader.GetInt32(0), reader.GetString(1)));
        }

        return held;
    }

    private static List<FacetValue> Facet(List<Candidate> candidates, Func<Candidate, bool> passes, Func<Candidate, string> value) =>
        [.. candidates.Where(passes).GroupBy(value, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Key.Length > 0)
            .Select(g => new FacetValue(g.Key, g.LongCount()))
            .OrderByDescending(f => f.Count).ThenBy(f => f.Value, StringComparer.Ordinal)
            .Take(FacetSize)];

    private readonly record struct Candidate(long Key, int Collection, string Language, string Extension, int? Year, long Size, long Added, bool Held, double Rank);

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
