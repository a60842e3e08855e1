using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LibraryCluster.Samples;
using LibraryCluster.Testing;

namespace LibraryCluster.Cli.Tests;

/// <summary>A node of its own: these tests add to its catalogue.</summary>
public sealed class ImportNode : RunningNode;

/// <summary>
/// <c>catalog import</c> into a running node through its admin API: the dump streamed, imported while the node
/// serves, found by its search afterwards; bad input named by file, line and byte; refusals, auth.
/// </summary>
public sealed class CatalogImportNodeTests(ImportNode node) : IClassFixture<ImportNode>
{
    /// <summary>A LibGen dump of records the node's catalogue does not have (other IDs, other files), gzip-compressed as published.</summary>
    private async Task<(string Dump, List<SampleRecord> New)> NewDumpAsync(string name, int seed)
    {
        var directory = node.Temp.Join(name);
        var manifest = await SampleGenerator.CreateAsync(new SampleOptions { OutputDirectory = directory, Books = 30, Fiction = 0, Scimag = 0, Seed = seed, IdGap = 5000 + seed, NoData = true });
        var known = node.Manifest.Records.Where(r => r.Collection == Catalog.Collection.Scitech).Select(r => r.Id).ToHashSet();
        var fresh = manifest.Records.Where(r => r.Collection == Catalog.Collection.Scitech && r.Visible.Length == 0 && !known.Contains(r.Id)).ToList();
        Assert.NotEmpty(fresh);
        var gz = Path.Join(directory, "libgen.sql.gz");
        await using (var output = File.Create(gz))
        await using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest))
        await using (var input = File.OpenRead(Path.Join(directory, "dumps", "libgen.sql")))
        {
            await input.CopyToAsync(gzip);
        }

        return (gz, fresh);
    }

    private async Task<long> SearchTotalAsync(string md5) =>
        (await node.Admin.GetFromJsonAsync<JsonElement>($"/api/search?q={md5}")).GetProperty("total").GetInt64();

    [Fact]
    public async Task A_dump_sent_to_the_node_is_imported_while_it_serves_and_its_search_finds_the_new_records()
    {
        var (dump, fresh) = await NewDumpAsync("new", 99);
        Assert.Equal(0, await SearchTotalAsync(fresh[0].Md5));

        var (code, output, error) = await node.RunAsync("catalog", "import", dump);

        Assert.True(code == 0, error + output);
        Assert.Contains(dump, output, StringComparison.Ordinal);
        Assert.Matches(@"updated\s+30\s+\d+", output);
        Assert.Contains($"catalogue of the node at {node.Address}", output, StringComparison.Ordinal);
        foreach (var record in fresh)
        {
            Assert.Equal(1, await SearchTotalAsync(record.Md5));
        }

        var found = await node.Admin.GetFromJsonAsync<JsonElement>($"/api/records/{fresh[0].Md5}");
        Assert.Equal(fresh[0].Title, found.GetProperty("record").GetProperty("title").GetString());

        // Again: nothing new, and the JSON says so table by table; the journal has who asked.
        var again = await node.JsonAsync("catalog", "import", dump);
        var report = Assert.Single(again.EnumerateArray());
        Assert.Equal(dump, report.GetProperty("file").GetString());
        Assert.True(report.GetProperty("clean").GetBoolean());
        var updated = report.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("table").GetString() == "updated");
        Assert.Equal(30, updated.GetProperty("rows").GetInt64());
        Assert.Equal(0, updated.GetProperty("inserted").GetInt64());
        Assert.Equal(30, updated.GetProperty("unchanged").GetInt64());
        var journal = await node.JsonAsync("journal", "tail", "-n", "20");
        Assert.Contains(journal.EnumerateArray(), e => e.GetProperty("to").GetString() == "Imported"
            && e.GetProperty("reason").GetString()!.StartsWith("catalogue import of libgen.sql.gz: ", StringComparison.Ordinal)
            && e.GetProperty("reason").GetString()!.Contains($"asked by {Environment.UserName}@", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bad_rows_are_named_by_file_line_and_byte_and_the_rest_is_imported_with_exit_4()
    {
        var dump = node.Temp.Write("bad/broken.sql", Encoding.UTF8.GetBytes(
            "INSERT INTO `updated` (`ID`,`MD5`,`Title`) VALUES (7770001,'a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a1','A good book');\n" +
            "INSERT INTO `updated` (`ID`,`MD5`,`Title`) VALUES (7770002,'a short row'),\n" +
            "(7770003,'a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a3','Another good book');\n"));

        var (code, output, error) = await node.RunAsync("catalog", "import", dump);

        Assert.True(code == 4, $"exit {code}: {error}{output}");
        Assert.Matches(@"broken\.sql:2 \(byte \d+\) table `updated`: error: row has 2 values but the table has 3 columns", output);
        Assert.Equal(1, await SearchTotalAsync("a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a1"));
        Assert.Equal(1, await SearchTotalAsync("a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a3"));
    }

    [Fact]
    public async Task What_cannot_be_read_is_refused_with_exit_2_and_a_reason_before_or_as_it_arrives()
    {
        // An archive we do not read: refused here, before a byte is sent.
        var rar = node.Temp.Write("bad/libgen.rar", [.. "Rar!\u001a\u0007\u0000"u8, 1, 2, 3]);
        var (code, _, error) = await node.RunAsync("catalog", "import", rar);
        Assert.Equal(2, code);
        Assert.Contains("unar", error, StringComparison.Ordinal);

        // A .gz that is not one, here: the file is named, not the node.
        var corrupt = node.Temp.Write("bad/corrupt.sql.gz", [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF, 0xFF]);
        (code, _, error) = await node.RunAsync("catalog", "import", corrupt);
        Assert.True(code == 2, $"exit {code}: {error}");
        Assert.Contains($"{corrupt}: cannot be read at byte", error, StringComparison.Ordinal);

        var (missing, _, missingError) = await node.RunAsync("catalog", "import", node.Temp.Join("bad", "nope.sql"));
        Assert.Equal(2, missing);
        Assert.Contains("nope.sql: no such file", missingError, StringComparison.Ordinal);

        // What another client sends: a body that claims to be gzip and is not, a zip, nothing at all.
        async Task<(HttpStatusCode Status, string Detail)> PostAsync(byte[] body, string name)
        {
            using var response = await node.Admin.PostAsync($"/api/admin/catalog/import?name={name}", new ByteArrayContent(body));
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            return (response.StatusCode, problem.GetProperty("detail").GetString()!);
        }

        var (status, detail) = await PostAsync([0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF, 0xFF], "libgen.sql.gz");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("libgen.sql.gz:1 (byte 0 of the SQL): cannot be decompressed", detail, StringComparison.Ordinal);

        (status, detail) = await PostAsync([.. "PK\u0003\u0004"u8, 0, 0, 0, 0], "libgen.zip");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("libgen.zip is a zip archive", detail, StringComparison.Ordinal);

        (status, detail) = await PostAsync([], "empty.sql");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("no body", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_token_nothing_is_imported_and_the_cli_exits_7()
    {
        var (dump, fresh) = await NewDumpAsync("denied", 98);

        var none = await CliRunner.RunAsync("catalog", "import", dump, "--node", node.Address);
        var wrong = await CliRunner.RunAsync(new CliRun { Environment = new Dictionary<string, string?> { ["LIBCLUSTER_TOKEN"] = "not-the-token-at-all" } }, "catalog", "import", dump, "--node", node.Address);

        Assert.Equal(7, none.ExitCode);
        Assert.Contains("LIBCLUSTER_TOKEN", none.Error, StringComparison.Ordinal);
        Assert.Equal(7, wrong.ExitCode);
        Assert.Contains("refused the admin token", wrong.Error, StringComparison.Ordinal);
        Assert.Equal(0, await SearchTotalAsync(fresh.Last().Md5));

        var nowhere = await CliRunner.RunAsync("catalog", "import", dump);
        Assert.Equal(2, nowhere.ExitCode);
        Assert.Contains("--db PATH (SQLite), --postgres CONNECTION (PostgreSQL), or a running node's", nowhere.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_import_while_one_runs_is_refused_with_exit_6_and_the_first_completes()
    {
        // An upload that has begun (the node is reading it) and holds on until told.
        var reading = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/catalog/import?name=slow.sql")
        {
            Content = new HeldBody("INSERT INTO `updated` (`ID`,`MD5`,`Title`) VALUES (7780001,'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b1','Slow book');\n"u8.ToArray(), reading, release.Task),
        };
        // The body goes only once the node says go on (100 Continue), which it says when it starts reading.
        request.Headers.ExpectContinue = true;
        using var patient = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = Eventually.Patience }) { BaseAddress = node.Admin.BaseAddress };
        patient.DefaultRequestHeaders.Authorization = node.Admin.DefaultRequestHeaders.Authorization;
        var first = patient.SendAsync(request);
        await reading.Task.WaitAsync(Eventually.Patience);

        var (dump, _) = await NewDumpAsync("second", 97);
        var (code, _, error) = await node.RunAsync("catalog", "import", dump);
        Assert.Equal(6, code);
        Assert.Contains("another catalogue import is running on this node (slow.sql", error, StringComparison.Ordinal);

        release.SetResult();
        using var response = await first.WaitAsync(Eventually.Patience);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, await SearchTotalAsync("b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b1"));
    }

    /// <summary>A body that says when the node starts reading it, then waits before it sends its bytes.</summary>
    private sealed class HeldBody(byte[] bytes, TaskCompletionSource reading, Task release) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            reading.TrySetResult();
            await release;
            await stream.WriteAsync(bytes);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
