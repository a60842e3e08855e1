using System.Diagnostics;
using System.Text.Json;
using LibraryCluster.Testing;
using Microsoft.Data.Sqlite;

namespace LibraryCluster.Cli.Tests;

public sealed class CatalogCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<string> SampleAsync(params string[] extra)
    {
        var (code, _, error) = await CliRunner.RunAsync(["sample", "create", "--out", _temp.Join("s"), "--seed", "2", .. extra]);
        Assert.True(code == 0, error);
        return _temp.Join("s");
    }

    [Fact]
    public async Task Import_Search_Show_And_Register_Work_End_To_End()
    {
        var sample = await SampleAsync("--books", "40", "--fiction", "20", "--scimag", "30", "--piece-length", "16384");
        var db = _temp.Join("catalog.db");

        var (code, output, error) = await CliRunner.RunAsync("catalog", "import", Path.Join(sample, "dumps", "libgen.sql"), Path.Join(sample, "dumps", "fiction.sql"), Path.Join(sample, "dumps", "scimag.sql"), "--db", db);
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains("skipped table `updated_edited`", output, StringComparison.Ordinal);
        Assert.Contains("catalogue", output, StringComparison.Ordinal);

        var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Join(sample, "sample.json"))).RootElement.GetProperty("records");
        var book = manifest.EnumerateArray().First(r => r.GetProperty("collection").GetString() == "Scitech" && r.GetProperty("visible").GetString() == "");
        var md5 = book.GetProperty("md5").GetString()!;

        (code, output, _) = await CliRunner.RunAsync("catalog", "show", md5, "--db", db);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains(book.GetProperty("pathInTorrent").GetString()!, output, StringComparison.Ordinal);
        Assert.Contains("r_000", output, StringComparison.Ordinal);

        (code, output, _) = await CliRunner.RunAsync("search", md5, "--db", db, "--json");
        Assert.Equal(ExitCodes.Ok, code);
        using (var json = JsonDocument.Parse(output))
        {
            Assert.Equal("Md5", json.RootElement.GetProperty("mode").GetString());
            Assert.Equal(1, json.RootElement.GetProperty("total").GetInt64());
        }

        var torrents = Directory.GetFiles(Path.Join(sample, "torrents"));
        (code, output, _) = await CliRunner.RunAsync(["catalog", "register", .. torrents, "--db", db, "--data-root", Path.Join(sample, "data")]);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains($"Count: {torrents.Length} torrents, {torrents.Length} agree with the catalogue", output, StringComparison.Ordinal);

        (code, output, _) = await CliRunner.RunAsync("search", "", "--db", db, "--held", "--json", "--limit", "500");
        Assert.Equal(ExitCodes.Ok, code);
        using (var json = JsonDocument.Parse(output))
        {
            Assert.All(json.RootElement.GetProperty("hits").EnumerateArray(), h => Assert.True(h.GetProperty("held").GetBoolean()));
            Assert.True(json.RootElement.GetProperty("total").GetInt64() > 0);
        }

        (code, _, _) = await CliRunner.RunAsync("catalog", "show", "0123456789abcdef0123456789abcdef", "--db", db);
        Assert.Equal(ExitCodes.NotFound, code);
    }

    [Fact]
    public async Task Bad_Inputs_Get_Exit_2_With_A_Reason()
    {
        var rar = _temp.Write("libgen.rar", [.. "Rar!\u001a\u0007\u0000"u8, 1, 2, 3]);
        var (code, _, error) = await CliRunner.RunAsync("catalog", "import", rar, "--db", _temp.Join("c.db"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("unar", error, StringComparison.Ordinal);

        (code, _, error) = await CliRunner.RunAsync("search", "x", "--db", _temp.Join("absent.db"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("no catalogue here", error, StringComparison.Ordinal);

        var notDb = _temp.Write("text.db", "this is not sqlite, just text that is long enough to be a header........................................."u8);
        (code, _, error) = await CliRunner.RunAsync("catalog", "import", rar, "--db", notDb);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("not a catalogue database", error, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task Import_And_Show_Work_Against_PostgreSQL()
    {
        var sample = await SampleAsync("--books", "40", "--fiction", "20", "--scimag", "30", "--no-data");
        var dumps = new[] { "libgen.sql", "fiction.sql", "scimag.sql" }.Select(d => Path.Join(sample, "dumps", d)).ToArray();
        await using var server = await PostgresServer.StartAsync();
        var database = await server.CreateDatabaseAsync();

        var (code, output, error) = await CliRunner.RunAsync(["catalog", "import", .. dumps, "--postgres", database]);
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Matches(@"catalogue postgresql://127\.0\.0\.1:\d+/test_\w+: 90 records", output);

        (code, output, error) = await CliRunner.RunAsync(["catalog", "import", .. dumps, "--postgres", database, "--json"]);
        Assert.True(code == ExitCodes.Ok, error + output);
        using (var json = JsonDocument.Parse(output))
        {
            var tables = json.RootElement.EnumerateArray().SelectMany(r => r.GetProperty("tables").EnumerateArray()).ToList();
            Assert.All(tables, t => Assert.Equal((0, 0), (t.GetProperty("inserted").GetInt64(), t.GetProperty("updated").GetInt64())));
            Assert.Equal(tables.Sum(t => t.GetProperty("rows").GetInt64() - t.GetProperty("bad").GetInt64()), tables.Sum(t => t.GetProperty("unchanged").GetInt64()));
        }

        var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Join(sample, "sample.json"))).RootElement.GetProperty("records");
        var article = manifest.EnumerateArray().First(r => r.GetProperty("collection").GetString() == "Scimag");
        (code, output, error) = await CliRunner.RunAsync("catalog", "show", article.GetProperty("doi").GetString()!.ToUpperInvariant(), "--postgres", database);
        Assert.True(code == ExitCodes.Ok, error + output);
        Assert.Contains(article.GetProperty("zipEntry").GetString()!, output, StringComparison.Ordinal);

        (code, _, _) = await CliRunner.RunAsync("catalog", "show", "0123456789abcdef0123456789abcdef", "--postgres", database);
        Assert.Equal(ExitCodes.NotFound, code);
    }

    [Fact]
    public async Task A_PostgreSQL_That_Cannot_Be_Reached_Gets_Exit_2_Naming_Host_Port_And_Reason()
    {
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        var dump = _temp.Write("one.sql", "INSERT INTO `updated` (`ID`,`Title`) VALUES (1,'x');\n"u8);
        var (code, output, error) = await CliRunner.RunAsync("catalog", "import", dump, "--postgres", $"Host=127.0.0.1;Port={port};Username=u;Password=hunter2;Database=library");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains($"postgresql://127.0.0.1:{port}/library", error, StringComparison.Ordinal);
        Assert.Contains("refused", error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("hunter2", error + output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);

        (code, _, error) = await CliRunner.RunAsync("catalog", "show", "x", "--postgres", "Hots=127.0.0.1");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("not a PostgreSQL connection string", error, StringComparison.Ordinal);

        (code, _, error) = await CliRunner.RunAsync("catalog", "import", dump, "--db", _temp.Join("c.db"), "--postgres", "Host=127.0.0.1");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("either --db PATH (SQLite) or --postgres CONNECTION", error, StringComparison.Ordinal);

        (code, _, error) = await CliRunner.RunAsync("catalog", "show", "x");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("either --db PATH (SQLite) or --postgres CONNECTION", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Dump_With_Bad_Rows_Imports_The_Rest_And_Exits_4_Naming_Them()
    {
        var dump = _temp.Write("bad.sql", """
            CREATE TABLE `updated` (
              `ID` int,
              `Title` varchar(200),
              `MD5` char(32)
            );
            INSERT INTO `updated` VALUES (1,'fine','0123456789abcdef0123456789abcdef'),(2,'short row'),(3,'also fine','1123456789abcdef0123456789abcdef');

            """u8);
        var (code, output, _) = await CliRunner.RunAsync("catalog", "import", dump, "--db", _temp.Join("c.db"));
        Assert.Equal(ExitCodes.Partial, code);
        Assert.Contains("bad.sql:6 (byte ", output, StringComparison.Ordinal);
        Assert.Contains("row has 2 values but the table has 3 columns", output, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task An_Import_Killed_Half_Way_Is_Finished_By_Running_It_Again()
    {
        var sample = await SampleAsync("--books", "60000", "--no-data");
        var dump = Path.Join(sample, "dumps", "libgen.sql");
        var killed = _temp.Join("killed.db");

        // Kill the importer as soon as its first small transaction is visible.
        var start = new ProcessStartInfo("dotnet", [CliRunner.Dll, "catalog", "import", dump, "--db", killed, "--batch-rows", "500"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using (var process = Process.Start(start)!)
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (Count(killed) == 0 && !process.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }

            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var partial = Count(killed);
        Assert.InRange(partial, 1, 59_999);

        var (code, _, error) = await CliRunner.RunAsync("catalog", "import", dump, "--db", killed);
        Assert.True(code == ExitCodes.Ok, error);
        (code, _, error) = await CliRunner.RunAsync("catalog", "import", dump, "--db", _temp.Join("clean.db"));
        Assert.True(code == ExitCodes.Ok, error);

        Assert.Equal(Fingerprint(_temp.Join("clean.db")), Fingerprint(killed));
        Assert.Equal(60_000, Count(killed));
        var (_, found, _) = await CliRunner.RunAsync("search", "introduction", "--db", killed, "--json");
        Assert.True(JsonDocument.Parse(found).RootElement.GetProperty("total").GetInt64() > 0);
    }

    private static long Count(string db)
    {
        if (!File.Exists(db))
        {
            return 0;
        }

        try
        {
            using var connection = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=false");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM records";
            return (long)command.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return 0; // not created yet
        }
    }

    /// <summary>Every record, ISBN and search-index row, so that a resumed import must equal a clean one.</summary>
    private static string Fingerprint(string db)
    {
        using var connection = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT count(*) FROM records) || '/' || (SELECT total(length(title) + id) FROM records) || '/' ||
                   (SELECT count(*) FROM isbns) || '/' || (SELECT count(*) FROM descriptions) || '/' ||
                   (SELECT count(*) FROM records_fts WHERE records_fts MATCH 'introduction') || '/' || (SELECT count(*) FROM search_pending)
            """;
        return (string)command.ExecuteScalar()!;
    }
}
