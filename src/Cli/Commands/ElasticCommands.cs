using System.CommandLine;
using System.Globalization;
using LibraryCluster.Catalog.Store;
using LibraryCluster.Search.Elasticsearch;
using LibraryCluster.Torrents;
using Spectre.Console;

namespace LibraryCluster.Cli.Commands;

/// <summary>
/// <c>libcluster elastic index|sync|status</c>: the catalogue's Elasticsearch index. index builds a new versioned
/// index from a SQLite catalogue and swaps the alias to it (no downtime); sync sends what changed since; status
/// says what the alias serves and what waits in the catalogue's outbox.
/// </summary>
internal static class ElasticCommands
{
    /// <summary>Elasticsearch could not be reached, or refused the work (the message says which and why).</summary>
    public const int Unavailable = 6;

    public static Command Build() => new("elastic", "The catalogue's Elasticsearch index (the university-scale search backend; see docs/search.md).")
    {
        Index(),
        Sync(),
        Status(),
    };

    /// <summary>How to reach the cluster: options, with secrets also from the environment so they stay out of ps.</summary>
    internal sealed record Connection(Option<string> Url, Option<string?> ApiKey, Option<string?> User, Option<string?> Password, Option<FileInfo?> Ca, Option<string> Alias, Option<string> NodeId)
    {
        public static Connection Create() => new(
            new Option<string>("--url") { Description = "The Elasticsearch address, e.g. https://es.example.edu:9200 (default $ELASTICSEARCH_URL).", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ELASTICSEARCH_URL") ?? string.Empty },
            new Option<string?>("--api-key") { Description = "An API key (its \"encoded\" form); default $ELASTICSEARCH_API_KEY." },
            new Option<string?>("--user") { Description = "Basic authentication user (e.g. elastic), with the password in $ELASTICSEARCH_PASSWORD or --password." },
            new Option<string?>("--password") { Description = "Basic authentication password; prefer $ELASTICSEARCH_PASSWORD." },
            new Option<FileInfo?>("--ca") { Description = "The CA certificate (PEM) that signed the cluster's (Elasticsearch 8: config/certs/http_ca.crt)." },
            new Option<string>("--alias") { Description = "The alias searches use.", DefaultValueFactory = _ => new ElasticsearchOptions().Alias },
            new Option<string>("--node-id") { Description = "The id this catalogue's held torrents are marked with (the node's: local, or its Cluster:NodeId).", DefaultValueFactory = _ => new ElasticsearchOptions().NodeId });

        public IEnumerable<Option> All => [Url, ApiKey, User, Password, Ca, Alias, NodeId];

        public ElasticsearchOptions Options(ParseResult parse)
        {
            var user = parse.GetValue(User);
            var options = new ElasticsearchOptions
            {
                Url = parse.GetValue(Url) ?? string.Empty,
                ApiKey = parse.GetValue(ApiKey) ?? (user is null ? Environment.GetEnvironmentVariable("ELASTICSEARCH_API_KEY") : null),
                Username = user,
                Password = user is null ? null : parse.GetValue(Password) ?? Environment.GetEnvironmentVariable("ELASTICSEARCH_PASSWORD"),
                CaFile = parse.GetValue(Ca)?.FullName,
                Alias = parse.GetValue(Alias)!,
                NodeId = parse.GetValue(NodeId)!,
            };
            var problems = options.Validate("--");
            return problems.Count == 0 ? options : throw new ArgumentException(string.Join("; ", problems.Select(p => p.Replace("--Url", "--url", StringComparison.Ordinal).Replace("--CaFile", "--ca", StringComparison.Ordinal))));
        }
    }

    private static Command Index()
    {
        var connection = Connection.Create();
        var db = CatalogCommands.DatabaseOption();
        var keep = new Option<bool>("--keep-old") { Description = "Keep the index the alias pointed at before (to swap back by hand); by default it is deleted once the new one serves." };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var command = new Command(
            "index",
            $"Index the whole catalogue into a new versioned index and point the alias at it in one step: searches go on against the old index until the new one holds every record and answers lookups. Also installs the catalogue's outbox, so that later imports and held changes are noted for 'elastic sync' (or a node with Search:Backend=elasticsearch). Exit 0: done; 2: bad options or catalogue; {Unavailable}: Elasticsearch refused or could not be reached (the alias is left as it was).\n\nExample:\n  ELASTICSEARCH_PASSWORD=… libcluster elastic index --db data/catalog.db --url https://127.0.0.1:9200 --user elastic --ca http_ca.crt")
        {
            db, keep, json,
        };
        foreach (var option in connection.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellationToken) => RunAsync(async () =>
        {
            var options = connection.Options(parse);
            using var store = CatalogStore.Open(CatalogCommands.ExistingDatabase(parse.GetValue(db)!));
            using var client = new ElasticsearchClient(options);
            var sync = new CatalogSync(client);
            RebuildReport report;
            if (Terminal.IsInteractive && !parse.GetValue(json))
            {
                RebuildReport? done = null;
                await AnsiConsole.Progress()
                    .AutoClear(true)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async context =>
                    {
                        var task = context.AddTask("indexing", maxValue: Math.Max(1, store.CountRecords()));
                        var progress = new CallbackProgress<IndexProgress>(p =>
                        {
                            task.Value = p.Acknowledged;
                            task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"indexing {p.Acknowledged:N0}/{p.Total:N0}  {p.RecordsPerSecond:N0} records/s, {p.Bytes / 1e6 / Math.Max(0.001, p.Elapsed.TotalSeconds):0.0} MB/s"));
                        });
                        done = await sync.RebuildAsync(store, progress, parse.GetValue(keep), cancellationToken: cancellationToken).ConfigureAwait(false);
                        task.Value = task.MaxValue;
                    }).ConfigureAwait(false);
                report = done!;
            }
            else
            {
                var progress = new CallbackProgress<IndexProgress>(p => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"indexed {p.Acknowledged:N0}/{p.Total:N0} records, {p.RecordsPerSecond:N0} records/s")));
                report = await sync.RebuildAsync(store, parse.GetValue(json) ? null : new Throttled(progress), parse.GetValue(keep), cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            var seconds = Math.Max(0.001, report.Elapsed.TotalSeconds);
            if (parse.GetValue(json))
            {
                Terminal.WriteJson(new
                {
                    report.Index,
                    Alias = options.Alias,
                    report.Previous,
                    report.Deleted,
                    report.Records,
                    report.Bulk.Requests,
                    report.Bulk.Bytes,
                    report.Bulk.ItemRetries,
                    Seconds = Math.Round(seconds, 3),
                    RecordsPerSecond = Math.Round(report.Records / seconds),
                });
            }
            else
            {
                AnsiConsole.WriteLine($"{options.Alias} -> {report.Index}: {report.Records:N0} records in {seconds:0.0} s ({report.Records / seconds:N0} records/s, {Terminal.Bytes(report.Bulk.Bytes)} in {report.Bulk.Requests:N0} bulk requests, {report.Bulk.ItemRetries:N0} items retried)");
                if (report.Previous.Count > 0)
                {
                    AnsiConsole.WriteLine($"previously {string.Join(", ", report.Previous)}; {(report.Deleted.Count > 0 ? $"deleted {string.Join(", ", report.Deleted)}" : "kept")}");
                }
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Sync()
    {
        var connection = Connection.Create();
        var db = CatalogCommands.DatabaseOption();
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var command = new Command(
            "sync",
            $"Send what changed in the catalogue since the last index or sync (records imported, updated or deleted; torrents whose held flag changed) to the index. A node with Search:Backend=elasticsearch does this by itself every few seconds. Exit 0: sent; 4: Elasticsearch refused some records (they stay queued); {Unavailable}: Elasticsearch could not be reached.")
        {
            db, json,
        };
        foreach (var option in connection.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellationToken) => RunAsync(async () =>
        {
            var options = connection.Options(parse);
            using var store = CatalogStore.Open(CatalogCommands.ExistingDatabase(parse.GetValue(db)!));
            if (!CatalogOutbox.IsInstalled(store))
            {
                throw new ArgumentException($"{store.Location} has no Elasticsearch outbox yet: build the index first with 'libcluster elastic index'");
            }

            using var client = new ElasticsearchClient(options);
            var report = await new CatalogSync(client).PushChangesAsync(store, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                Terminal.WriteJson(report);
            }
            else
            {
                AnsiConsole.WriteLine($"sent {report.Indexed:N0} records, deleted {report.Deleted:N0}; {report.HeldTorrents:N0} torrents now held, {report.NotHeldTorrents:N0} no longer");
                foreach (var failure in report.Failures.Take(20))
                {
                    AnsiConsole.WriteLine($"refused: {failure}");
                }
            }

            return report.Failures.Count > 0 ? ExitCodes.Partial : ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Status()
    {
        var connection = Connection.Create();
        var db = new Option<FileInfo?>("--db") { Description = "Also show what the catalogue's outbox holds for the index." };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var command = new Command("status", $"Show the cluster, the index the alias serves, every versioned index and, with --db, the changes waiting to be sent. Exit 0: the alias serves an index; 5: no index yet; {Unavailable}: Elasticsearch could not be reached.")
        {
            db, json,
        };
        foreach (var option in connection.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, cancellationToken) => RunAsync(async () =>
        {
            var options = connection.Options(parse);
            using var client = new ElasticsearchClient(options);
            var info = await client.InfoAsync(cancellationToken).ConfigureAwait(false);
            var serving = await client.GetAliasAsync(options.Alias, cancellationToken).ConfigureAwait(false);
            var indices = await client.ListIndicesAsync(CatalogIndex.Pattern(options.Alias), cancellationToken).ConfigureAwait(false);
            (long Records, long Torrents)? pending = null;
            if (parse.GetValue(db) is { } file)
            {
                using var store = CatalogStore.Open(CatalogCommands.ExistingDatabase(file));
                pending = CatalogOutbox.IsInstalled(store) ? CatalogOutbox.Pending(store) : null;
            }

            if (parse.GetValue(json))
            {
                Terminal.WriteJson(new
                {
                    Cluster = info.ClusterName,
                    Version = info.Version?.Number,
                    options.Alias,
                    Serving = serving,
                    Indices = indices.Select(i => new { i.Index, i.Health, Documents = i.DocsCount, Bytes = i.StoreSize }),
                    PendingRecords = pending?.Records,
                    PendingTorrents = pending?.Torrents,
                });
            }
            else
            {
                AnsiConsole.WriteLine($"cluster {info.ClusterName}, Elasticsearch {info.Version?.Number}");
                AnsiConsole.WriteLine(serving.Count == 0 ? $"{options.Alias}: no index yet (libcluster elastic index)" : $"{options.Alias} -> {string.Join(", ", serving)}");
                var table = new Table().Border(TableBorder.Simple).AddColumn("index").AddColumn("health").AddColumn(new TableColumn("documents").RightAligned()).AddColumn(new TableColumn("size").RightAligned());
                foreach (var index in indices)
                {
                    table.AddRow(Markup.Escape(index.Index) + (serving.Contains(index.Index) ? " [green](serving)[/]" : string.Empty), Markup.Escape(index.Health ?? "?"), Markup.Escape(index.DocsCount ?? "?"), long.TryParse(index.StoreSize, out var bytes) ? Terminal.Bytes(bytes) : "?");
                }

                if (indices.Count > 0)
                {
                    AnsiConsole.Write(table);
                }

                if (pending is { } p)
                {
                    AnsiConsole.WriteLine($"waiting in the catalogue's outbox: {p.Records:N0} records, {p.Torrents:N0} torrents");
                }
            }

            return serving.Count > 0 ? ExitCodes.Ok : ExitCodes.NotFound;
        }));
        return command;
    }

    /// <summary>Elasticsearch's refusals and absences as a message and exit code 6, the rest as every command does.</summary>
    private static Task<int> RunAsync(Func<Task<int>> body) => Terminal.RunAsync(async () =>
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (ElasticsearchException e)
        {
            await Console.Error.WriteLineAsync($"libcluster: Elasticsearch: {e.Message}").ConfigureAwait(false);
            return Unavailable;
        }
    });

    /// <summary>Progress lines for logs: one every ten seconds.</summary>
    private sealed class Throttled(IProgress<IndexProgress> inner) : IProgress<IndexProgress>
    {
        private DateTime _next = DateTime.UtcNow.AddSeconds(10);

        public void Report(IndexProgress value)
        {
            if (DateTime.UtcNow >= _next)
            {
                _next = DateTime.UtcNow.AddSeconds(10);
                inner.Report(value);
            }
        }
    }
}
