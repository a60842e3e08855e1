using System.CommandLine;
using System.Globalization;
using LibraryCluster.Catalog;
using LibraryCluster.Search;
using LibraryCluster.Search.Sqlite;
using Spectre.Console;

namespace LibraryCluster.Cli.Commands;

/// <summary><c>libcluster search</c>: the catalogue's full-text search from a terminal.</summary>
internal static class SearchCommand
{
    private static readonly Dictionary<string, SearchSort> Sorts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["relevance"] = SearchSort.Relevance,
        ["year"] = SearchSort.YearNewest,
        ["oldest"] = SearchSort.YearOldest,
        ["size"] = SearchSort.SizeLargest,
        ["smallest"] = SearchSort.SizeSmallest,
        ["added"] = SearchSort.AddedNewest,
    };

    public static Command Build()
    {
        var text = new Argument<string>("QUERY") { Description = "Words, \"a phrase\", or an MD5, ISBN (10 or 13, dashes optional) or DOI for an exact lookup." };
        var db = CatalogCommands.DatabaseOption();
        var collection = new Option<string?>("--collection") { Description = "scitech, fiction or scimag." };
        var language = new Option<string?>("--lang") { Description = "Language as LibGen writes it, e.g. English." };
        var extension = new Option<string?>("--ext") { Description = "File extension, e.g. pdf, epub, djvu." };
        var yearFrom = new Option<int?>("--year-from") { Description = "Earliest year." };
        var yearTo = new Option<int?>("--year-to") { Description = "Latest year." };
        var held = new Option<bool>("--held") { Description = "Only what this mirror holds." };
        var hidden = new Option<bool>("--hidden") { Description = "Include records LibGen hides (deleted, banned, duplicates)." };
        var sort = new Option<string>("--sort") { Description = $"One of: {string.Join(", ", Sorts.Keys)}.", DefaultValueFactory = _ => "relevance" };
        var limit = new Option<int>("--limit") { Description = $"Results per page (1-{SearchQuery.MaxLimit}).", DefaultValueFactory = _ => 20 };
        var offset = new Option<int>("--offset") { Description = "Results to skip (paging)." };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var es = new Option<string?>("--es") { Description = "Search this Elasticsearch instead of the catalogue file (its index, built by 'libcluster elastic index'); credentials and CA from $ELASTICSEARCH_API_KEY, or $ELASTICSEARCH_USERNAME and $ELASTICSEARCH_PASSWORD, and $ELASTICSEARCH_CA_FILE.", HelpName = "URL" };
        var alias = new Option<string>("--alias") { Description = "With --es: the alias to search.", DefaultValueFactory = _ => new Search.Elasticsearch.ElasticsearchOptions().Alias };
        db.Required = false;
        var command = new Command(
            "search",
            "Search the whole catalogue (held or not). Any text is safe to type; quotes make phrases; the last word matches as a prefix.\n\nExamples:\n  libcluster search \"quantum mechanics\" --db catalog.db --lang English --ext pdf\n  libcluster search 978-0-07-136362-4 --db catalog.db")
        {
            text, db, collection, language, extension, yearFrom, yearTo, held, hidden, sort, limit, offset, json, es, alias,
        };
        command.SetAction((parse, cancellationToken) => Terminal.RunAsync(async () =>
        {
            var query = new SearchQuery
            {
                Text = parse.GetValue(text)!,
                Collection = parse.GetValue(collection) is { } c
                    ? Enum.TryParse<Collection>(c, ignoreCase: true, out var parsed) ? parsed : throw new ArgumentException($"--collection {c}: use scitech, fiction or scimag")
                    : null,
                Language = parse.GetValue(language),
                Extension = parse.GetValue(extension),
                YearFrom = parse.GetValue(yearFrom),
                YearTo = parse.GetValue(yearTo),
                HeldOnly = parse.GetValue(held),
                IncludeHidden = parse.GetValue(hidden),
                Sort = Sorts.TryGetValue(parse.GetValue(sort)!, out var s) ? s : throw new ArgumentException($"--sort {parse.GetValue(sort)}: use one of {string.Join(", ", Sorts.Keys)}"),
                Limit = parse.GetValue(limit) is var l and >= 1 and <= SearchQuery.MaxLimit ? l : throw new ArgumentException($"--limit {parse.GetValue(limit)}: must be 1 to {SearchQuery.MaxLimit}"),
                Offset = parse.GetValue(offset) is var o and >= 0 ? o : throw new ArgumentException($"--offset {parse.GetValue(offset)}: must not be negative"),
            };

            var results = await SearchAsync(parse, query, db, es, alias, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                Terminal.WriteJson(new
                {
                    results.Mode,
                    results.Total,
                    results.TotalIsExact,
                    results.TimedOut,
                    results.Fuzzy,
                    Milliseconds = Math.Round(results.Elapsed.TotalMilliseconds, 2),
                    results.EngineQuery,
                    results.Facets,
                    Hits = results.Hits.Select(h => new { h.Record, h.Held, h.Score }),
                });
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumn("#").AddColumn("title").AddColumn("author").AddColumn("year").AddColumn("lang")
                .AddColumn("ext").AddColumn(new TableColumn("size").RightAligned()).AddColumn("held").AddColumn("md5 / doi");
            var rank = query.Offset;
            foreach (var hit in results.Hits)
            {
                var r = hit.Record;
                table.AddRow(
                    (++rank).ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(Cut(r.Title, 60)),
                    Markup.Escape(Cut(r.Author, 30)),
                    Markup.Escape(r.Year),
                    Markup.Escape(Cut(r.Language, 10)),
                    Markup.Escape(r.Extension),
                    Terminal.Bytes(r.Filesize),
                    hit.Held ? "[green]yes[/]" : "-",
                    Markup.Escape(r.Collection == Collection.Scimag ? r.Doi ?? string.Empty : r.Md5 ?? string.Empty));
            }

            if (results.Hits.Count > 0)
            {
                AnsiConsole.Write(table);
            }

            foreach (var (facet, values) in results.Facets.Where(f => f.Value.Count > 0))
            {
                AnsiConsole.WriteLine($"{facet}: {string.Join(", ", values.Take(8).Select(v => $"{v.Value} ({v.Count})"))}");
            }

            var shown = results.Hits.Count == 0 ? "none shown" : $"showing {query.Offset + 1}-{query.Offset + results.Hits.Count}";
            AnsiConsole.WriteLine($"Count: {(results.TotalIsExact ? string.Empty : "at least ")}{results.Total:N0} results ({shown}) in {results.Elapsed.TotalMilliseconds:0.0} ms{(results.Fuzzy ? "; nothing matched as typed, these allow small misspellings" : string.Empty)}{(results.TimedOut ? "; out of time, results are partial" : string.Empty)}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The catalogue file's FTS5 index, or with --es the Elasticsearch index: the same query, the same results.</summary>
    private static async Task<SearchResults> SearchAsync(ParseResult parse, SearchQuery query, Option<FileInfo> db, Option<string?> es, Option<string> alias, CancellationToken cancellationToken)
    {
        if (parse.GetValue(es) is not { } url)
        {
            var file = parse.GetValue(db) ?? throw new ArgumentException("name the catalogue with --db PATH, or an Elasticsearch with --es URL");
            using var sqlite = new SqliteCatalogSearch(CatalogCommands.ExistingDatabase(file));
            return await sqlite.SearchAsync(query, cancellationToken).ConfigureAwait(false);
        }

        var options = new Search.Elasticsearch.ElasticsearchOptions
        {
            Url = url,
            Alias = parse.GetValue(alias)!,
            ApiKey = Environment.GetEnvironmentVariable("ELASTICSEARCH_API_KEY"),
            Username = Environment.GetEnvironmentVariable("ELASTICSEARCH_USERNAME"),
            Password = Environment.GetEnvironmentVariable("ELASTICSEARCH_PASSWORD"),
            CaFile = Environment.GetEnvironmentVariable("ELASTICSEARCH_CA_FILE"),
        };
        if (options.Validate("--es: ") is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join("; ", problems));
        }

        using var client = new Search.Elasticsearch.ElasticsearchClient(options);
        try
        {
            return await new Search.Elasticsearch.ElasticsearchCatalogSearch(client).SearchAsync(query, cancellationToken).ConfigureAwait(false);
        }
        catch (Search.Elasticsearch.ElasticsearchException e)
        {
            throw new IOException($"Elasticsearch: {e.Message}", e);
        }
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
