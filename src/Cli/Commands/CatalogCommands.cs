using System.CommandLine;
using System.Globalization;
using LibraryCluster.Catalog;
using LibraryCluster.Catalog.Dumps;
using LibraryCluster.Catalog.Import;
using LibraryCluster.Catalog.Store;
using LibraryCluster.Catalog.Store.Postgres;
using LibraryCluster.Catalog.Torrents;
using LibraryCluster.Cli.Connection;
using LibraryCluster.Search.Sqlite;
using LibraryCluster.Torrents;
using LibraryCluster.Torrents.Metainfo;
using LibraryCluster.Torrents.Verification;
using Npgsql;
using Spectre.Console;

namespace LibraryCluster.Cli.Commands;

/// <summary><c>libcluster catalog import|show|register</c>: the catalogue in its SQLite file or (import, show) in a shared PostgreSQL database.</summary>
internal static class CatalogCommands
{
    public static Command Build() => new("catalog", "Import LibGen dumps into the catalogue, look records up, register torrents.")
    {
        Import(),
        Show(),
        Register(),
    };

    internal static Option<FileInfo> DatabaseOption() => new("--db") { Description = "The catalogue database file (SQLite).", Required = true };

    /// <summary>Where import and show find the catalogue: a SQLite file or a PostgreSQL database, exactly one.</summary>
    private sealed record StoreOptions(Option<FileInfo?> Db, Option<string?> Postgres)
    {
        public static StoreOptions Create() => new(
            new Option<FileInfo?>("--db") { Description = "The catalogue database file (SQLite). Give this or --postgres.", HelpName = "PATH" },
            new Option<string?>("--postgres")
            {
                Description = "The catalogue in a PostgreSQL database shared by a cluster, as an Npgsql connection string, e.g. \"Host=db;Port=5432;Username=libcluster;Password=…;Database=libcluster\". Its tables (schema `catalog`) are created or migrated on first use. Give this or --db.",
                HelpName = "CONNECTION",
            });

        /// <summary>Opens the one catalogue the command line names; a SQLite file must exist unless <paramref name="create"/>.</summary>
        public ICatalogStore Open(ParseResult parse, bool create)
        {
            var (db, postgres) = (parse.GetValue(Db), parse.GetValue(Postgres));
            if ((db is null) == (postgres is null))
            {
                throw new ArgumentException("name the catalogue with either --db PATH (SQLite) or --postgres CONNECTION (PostgreSQL)");
            }

            return postgres is not null ? PostgresCatalogStore.Open(postgres) : CatalogStore.Open(create ? db!.FullName : ExistingDatabase(db!));
        }
    }

    /// <summary>A PostgreSQL failure after the store opened (the server went away mid-import) as a message naming the server, not a stack trace.</summary>
    private static async Task<int> WithPostgresErrors(ICatalogStore store, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            throw new CatalogException($"{store.Location}: {PostgresCatalogStore.Reason(e)}", e);
        }
    }

    private static Command Import()
    {
        var dumps = new Argument<FileInfo[]>("DUMP") { Description = "libgen.sql, fiction.sql, scimag.sql (or .sql.gz, or a .zip holding one).", Arity = ArgumentArity.OneOrMore };
        var where = StoreOptions.Create();
        var connection = ConnectionOptions.Create();
        var batch = new Option<int>("--batch-rows") { Description = "Rows per transaction (a killed import redoes at most this many).", DefaultValueFactory = _ => new ImportOptions().BatchRows };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var command = new Command(
            "import",
            "Import dumps into the catalogue. Safe to repeat: the same dump changes nothing, a newer one updates what changed, an interrupted import finishes when run again. The catalogue is a SQLite file (--db, with its full-text index), a shared PostgreSQL database (--postgres, records only: no full-text index there), or a running node's (--node or a context, with the admin token from $LIBCLUSTER_TOKEN or the context): the dump is streamed to the node gzip-compressed and imported as it arrives, while the node serves, and its search finds the new records as each transaction commits; one import at a time per node, journaled with who asked. Exit 0: imported; 4: imported, but some rows or statements were skipped (see the report: file, line, byte offset, table); 2: a dump could not be read, or the catalogue could not be opened (the message names the file, or the PostgreSQL host, port and error); against a node also 6 (another import is running there), 7 (not authorized) and 8 (unreachable: what was committed before stays; send it again to finish).\n\nExamples:\n  libcluster catalog import sample/dumps/libgen.sql sample/dumps/fiction.sql --db catalog.db\n  libcluster catalog import sample/dumps/libgen.sql --postgres \"Host=127.0.0.1;Port=5432;Username=libcluster;Database=libcluster\"\n  libcluster catalog import libgen.sql.gz fiction.sql.gz --node http://127.0.0.1:8080")
        {
            dumps, where.Db, where.Postgres, connection.Node, connection.Context, batch, json,
        };
        command.SetAction((parse, cancellationToken) => Terminal.RunAsync(async () =>
        {
            var options = new ImportOptions { BatchRows = parse.GetValue(batch) };
            if (options.BatchRows < 1)
            {
                throw new ArgumentException($"--batch-rows {options.BatchRows}: must be at least 1");
            }

            if (parse.GetValue(where.Db) is null && parse.GetValue(where.Postgres) is null)
            {
                using var client = ConnectForImport(parse, connection);
                return await ImportIntoNodeAsync(client, parse.GetValue(dumps)!, options, parse.GetValue(json), cancellationToken).ConfigureAwait(false);
            }

            if (parse.GetValue(connection.Node) is not null || parse.GetValue(connection.Context) is not null)
            {
                throw new ArgumentException("import into a catalogue file or database (--db, --postgres) or into a running node (--node, --context), not both");
            }

            using var store = where.Open(parse, create: true);
            if (store is CatalogStore sqlite)
            {
                SqliteSearchIndex.Install(sqlite);
            }

            return await WithPostgresErrors(store, () => ImportAllAsync(parse, store, dumps, options, json, cancellationToken)).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>The node to import into; when none is named anywhere, says every way to name a catalogue.</summary>
    private static AdminClient ConnectForImport(ParseResult parse, ConnectionOptions connection)
    {
        try
        {
            return connection.Connect(parse);
        }
        catch (AdminException e) when (e.ExitCode == ExitCodes.BadInput && parse.GetValue(connection.Node) is null && parse.GetValue(connection.Context) is null)
        {
            throw new AdminException(ExitCodes.BadInput, $"name the catalogue: --db PATH (SQLite), --postgres CONNECTION (PostgreSQL), or a running node's ({e.Message})");
        }
    }

    private static async Task<int> ImportAllAsync(ParseResult parse, ICatalogStore store, Argument<FileInfo[]> dumps, ImportOptions options, Option<bool> json, CancellationToken cancellationToken)
    {
        var reports = new List<ImportSummary>();
        foreach (var dump in parse.GetValue(dumps)!)
        {
            var path = dump.FullName;
            var report = await WithProgressAsync(path, progress => CatalogImporter.ImportAsync(store, path, options, progress, cancellationToken)).ConfigureAwait(false);
            reports.Add(ImportSummary.Of(report));
            if (!parse.GetValue(json))
            {
                WriteReport(reports[^1]);
            }
        }

        return Reported(reports, parse.GetValue(json), $"catalogue {store.Location}: {store.CountRecords():N0} records");
    }

    /// <summary>
    /// Sends each dump to the node, which imports it as it arrives: read here whatever its format (.sql, .sql.gz, a
    /// .zip), checked before a byte is sent, and gzip-compressed on the way.
    /// </summary>
    private static async Task<int> ImportIntoNodeAsync(AdminClient client, FileInfo[] dumps, ImportOptions options, bool json, CancellationToken cancellationToken)
    {
        var reports = new List<ImportSummary>();
        foreach (var dump in dumps)
        {
            using var file = DumpFile.Open(dump.FullName);
            var route = $"api/admin/catalog/import?name={Uri.EscapeDataString(dump.Name)}&batchRows={options.BatchRows.ToString(CultureInfo.InvariantCulture)}";
            var report = await WithProgressAsync(dump.FullName, async progress =>
            {
                var upload = new DumpUpload(file, progress);
                try
                {
                    return await client.PostStreamAsync<ImportSummary>(route, upload, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception) when (upload.ReadError is { } error)
                {
                    // The file broke, not the node: what was sent before it is imported there.
                    throw new CatalogException($"{dump.FullName}: cannot be read at byte {file.Position:N0} ({error.Message}); what the node committed before it stays there, and an intact copy finishes the import");
                }
            }).ConfigureAwait(false);

            // The node read a stream: the file and its size are what this side knows.
            reports.Add(report with { File = dump.FullName, Bytes = file.Length });
            if (!json)
            {
                WriteReport(reports[^1]);
            }
        }

        var records = reports[^1].CatalogRecords is { } count ? $"{count:N0}" : "?";
        return Reported(reports, json, $"catalogue of the node at {client.Node}: {records} records");
    }

    /// <summary>Ends an import: the reports as JSON, or (each one's table printed as it came) <paramref name="total"/>; 0 when every import was clean, else 4.</summary>
    private static int Reported(List<ImportSummary> reports, bool json, string total)
    {
        if (json)
        {
            Terminal.WriteJson(reports);
        }
        else
        {
            AnsiConsole.WriteLine(total);
        }

        return reports.All(r => r.Clean) ? ExitCodes.Ok : ExitCodes.Partial;
    }

    /// <summary>Runs an import with a progress bar over the file's bytes when a person is watching.</summary>
    private static async Task<T> WithProgressAsync<T>(string path, Func<IProgress<ImportProgress>?, Task<T>> import)
    {
        if (!Terminal.IsInteractive)
        {
            return await import(null).ConfigureAwait(false);
        }

        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(Path.GetFileName(path)), maxValue: Math.Max(1, new FileInfo(path).Length));
                var started = DateTime.UtcNow;
                var progress = new CallbackProgress<ImportProgress>(p =>
                {
                    task.Value = p.BytesRead;
                    var seconds = Math.Max(0.001, (DateTime.UtcNow - started).TotalSeconds);
                    task.Description = Markup.Escape(p.Rows > 0 ? $"{Path.GetFileName(path)}  {p.Rows:N0} rows, {p.Rows / seconds:N0} rows/s" : $"{Path.GetFileName(path)}  sent to the node as it imports");
                });
                result = await import(progress).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        return result;
    }

    private static void WriteReport(ImportSummary report)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(report.File)}[/]: {Terminal.Bytes(report.Bytes)} in {report.Seconds:0.00} s, {report.Rows / Math.Max(0.001, report.Seconds):N0} rows/s");
        var table = new Table().Border(TableBorder.Simple).AddColumn("table");
        foreach (var column in new[] { "rows", "inserted", "updated", "unchanged", "bad" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var t in report.Tables)
        {
            table.AddRow(Markup.Escape(t.Table), N(t.Rows), N(t.Inserted), N(t.Updated), N(t.Unchanged), t.Bad > 0 ? $"[red]{N(t.Bad)}[/]" : "0");
        }

        AnsiConsole.Write(table);
        foreach (var (name, statements) in report.SkippedTables.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            AnsiConsole.WriteLine($"skipped table `{name}` ({statements} INSERT statements): not part of the catalogue");
        }

        if (report.InvalidUtf8Sequences > 0)
        {
            AnsiConsole.WriteLine($"replaced {report.InvalidUtf8Sequences:N0} invalid UTF-8 sequences with U+FFFD");
        }

        foreach (var issue in report.Issues.Take(20))
        {
            AnsiConsole.WriteLine(issue);
        }

        if (report.Issues.Count > 20)
        {
            AnsiConsole.WriteLine($"... and {report.Issues.Count - 20} more issues (--json lists them all)");
        }
    }

    private static Command Show()
    {
        var key = new Argument<string>("MD5|DOI") { Description = "A record's MD5 or an article's DOI." };
        var where = StoreOptions.Create();
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var command = new Command("show", "Show a record: its metadata, its torrent and the path inside it. Works on a SQLite catalogue (--db) or a PostgreSQL one (--postgres; torrents are registered in SQLite only, so there a record's torrent shows as not registered). Exit 0: found; 5: not in the catalogue; 2: the catalogue could not be opened.\n\nExamples:\n  libcluster catalog show 7b2a4d53e6e1a8b0a5d5c0c9d1f00240 --db catalog.db\n  libcluster catalog show 10.1000/xyz123 --postgres \"Host=127.0.0.1;Username=libcluster;Database=libcluster\"") { key, where.Db, where.Postgres, json };
        command.SetAction((parse, _) => Terminal.RunAsync(async () =>
        {
            using var store = where.Open(parse, create: false);
            return await WithPostgresErrors(store, () => Task.FromResult(ShowRecords(parse, store, key, json))).ConfigureAwait(false);
        }));
        return command;
    }

    private static int ShowRecords(ParseResult parse, ICatalogStore store, Argument<string> key, Option<bool> json)
    {
        var records = store.FindByMd5OrDoi(parse.GetValue(key)!);
        var shown = records.Select(r =>
        {
            var (infoHash, held) = r.Torrent is null || store is not CatalogStore sqlite ? (null, false) : TorrentRegistration.Status(sqlite, r.Collection, r.Torrent);
            var description = r.Md5 is null ? null : store.GetDescription(r.Collection, r.Md5);
            return new { Record = r, Topic = store.GetTopic(r.Topic), TorrentInfoHash = infoHash, Held = held, Description = description?.Description };
        }).ToList();
        if (parse.GetValue(json))
        {
            Terminal.WriteJson(shown);
        }
        else if (shown.Count == 0)
        {
            AnsiConsole.WriteLine($"{parse.GetValue(key)}: not in the catalogue");
        }
        else
        {
            foreach (var item in shown)
            {
                WriteRecord(item.Record, item.Topic, item.TorrentInfoHash, item.Held, item.Description);
            }
        }

        return shown.Count > 0 ? ExitCodes.Ok : ExitCodes.NotFound;
    }

    private static void WriteRecord(Catalog.Records.CatalogRecord r, string? topic, string? infoHash, bool held, string? description)
    {
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                grid.AddRow(new Text(name), new Text(value));
            }
        }

        Row("collection", $"{r.Collection.ToString().ToLowerInvariant()} ({r.Source}), id {r.Id}");
        Row("title", r.Title);
        Row("author", r.Author);
        Row("series", r.Series);
        Row("journal", r.Journal);
        Row("publisher", r.Publisher);
        Row("year", r.Year);
        Row("edition", r.Edition);
        Row("language", r.Language);
        Row("topic", topic);
        Row("isbn", string.Join(", ", r.Isbns));
        Row("doi", r.Doi);
        Row("identifiers", r.Identifiers);
        Row("md5", r.Md5);
        Row("file", $"{r.Extension}, {r.Filesize.ToString("N0", CultureInfo.InvariantCulture)} bytes");
        Row("visible", r.IsVisible ? "yes" : $"no ({r.Visible})");
        Row("duplicate of", r.Generic);
        Row("original name", r.Locator);
        Row("added", r.TimeAdded?.ToString("u", CultureInfo.InvariantCulture));
        Row("modified", r.TimeLastModified?.ToString("u", CultureInfo.InvariantCulture));
        Row("torrent", r.Torrent is null ? "none: no torrent was published for this record's bucket" : $"{r.Torrent}{(infoHash is null ? " (not registered)" : $" {infoHash}")}");
        Row("path in torrent", r.PathInTorrent ?? (r.Torrent is null ? null : "not in the torrent"));
        Row("entry in zip", r.ZipEntry);
        Row("held here", held ? "yes" : "no");
        Row("description", description is { Length: > 300 } ? description[..300] + "…" : description);
        AnsiConsole.Write(grid);
        AnsiConsole.WriteLine();
    }

    private static Command Register()
    {
        var torrents = new Argument<FileInfo[]>("TORRENT") { Description = "LibGen .torrent files (r_*.torrent, f_*.torrent, sm_*.torrent).", Arity = ArgumentArity.OneOrMore };
        var db = DatabaseOption();
        var dataRoot = new Option<DirectoryInfo?>("--data-root") { Description = "Folder holding one save folder per torrent (DIR/<torrent name>/); each torrent is verified and, when complete, marked held here." };
        var json = new Option<bool>("--json") { Description = "Print JSON for scripts." };
        var command = new Command(
            "register",
            "Register .torrent files with the catalogue and compare their file lists with it (the torrent's list wins). Exit 0: all agree; 4: differences were found and reported.\n\nExample:\n  libcluster catalog register sample/torrents/*.torrent --db catalog.db --data-root sample/data")
        {
            torrents, db, dataRoot, json,
        };
        command.SetAction((parse, cancellationToken) => Terminal.RunAsync(async () =>
        {
            using var store = CatalogStore.Open(ExistingDatabase(parse.GetValue(db)!));
            var results = new List<(RegistrationReport Report, bool? Held)>();
            foreach (var file in parse.GetValue(torrents)!)
            {
                var name = Path.GetFileNameWithoutExtension(file.Name);
                var torrent = MetainfoParser.Load(file.FullName);
                var report = TorrentRegistration.Register(store, name, torrent);
                bool? held = null;
                if (parse.GetValue(dataRoot) is { } root)
                {
                    var verification = await VerificationOutput.RunAsync(name, progress => PieceVerifier.VerifyAsync(torrent, Path.Join(root.FullName, name), null, progress, cancellationToken)).ConfigureAwait(false);
                    held = verification.IsComplete;
                    TorrentRegistration.SetHeld(store, name, held.Value);
                }

                results.Add((report, held));
            }

            if (parse.GetValue(json))
            {
                Terminal.WriteJson(results.Select(r => new { r.Report, r.Held }));
            }
            else
            {
                var table = new Table().Border(TableBorder.Simple).AddColumn("torrent").AddColumn("info-hash").AddColumn(new TableColumn("files").RightAligned())
                    .AddColumn(new TableColumn("matched").RightAligned()).AddColumn(new TableColumn("corrected").RightAligned())
                    .AddColumn(new TableColumn("missing").RightAligned()).AddColumn(new TableColumn("unknown").RightAligned()).AddColumn("held");
                foreach (var (report, held) in results)
                {
                    table.AddRow(
                        Markup.Escape(report.Name), report.InfoHash, N(report.Files), N(report.Matched), N(report.PathsCorrected),
                        N(report.MissingFromTorrent.Count), N(report.NotInCatalogue.Count), held switch { true => "[green]yes[/]", false => "[red]no[/]", _ => "-" });
                }

                AnsiConsole.Write(table);
                foreach (var (report, _) in results.Where(r => !r.Report.Agrees))
                {
                    foreach (var path in report.MissingFromTorrent.Take(5))
                    {
                        AnsiConsole.WriteLine($"{report.Name}: catalogue expects {path}, the torrent does not hold it");
                    }

                    foreach (var path in report.NotInCatalogue.Take(5))
                    {
                        AnsiConsole.WriteLine($"{report.Name}: {path} is in the torrent but no record claims it");
                    }
                }

                AnsiConsole.WriteLine($"Count: {results.Count} torrents, {results.Count(r => r.Report.Agrees)} agree with the catalogue");
            }

            return results.All(r => r.Report.Agrees) ? ExitCodes.Ok : ExitCodes.Partial;
        }));
        return command;
    }

    /// <summary>Reading commands must not create an empty catalogue by mistake.</summary>
    internal static string ExistingDatabase(FileInfo db) =>
        db.Exists ? db.FullName : throw new FileNotFoundException($"--db {db.FullName}: no catalogue here; make one with 'libcluster catalog import DUMP --db {db.FullName}'");

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
