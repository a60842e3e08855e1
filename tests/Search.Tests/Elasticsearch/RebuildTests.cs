using System.Text.Json.Nodes;
using LibraryCluster.Catalog.Store;
using LibraryCluster.Search.Elasticsearch;
using LibraryCluster.Testing;

namespace LibraryCluster.Search.Tests.Elasticsearch;

/// <summary>
/// A full index against a loopback server that keeps what it is sent (a tiny stand-in: it stores bulk documents,
/// counts them, and answers term lookups in _msearch): the order of the calls, the checks before the alias moves,
/// and what happens when a check fails.
/// </summary>
[Trait("Category", "Elasticsearch")]
public sealed class RebuildTests(SearchCatalogFixture fixture) : IClassFixture<SearchCatalogFixture>, IAsyncLifetime
{
    private const string Ack = """{"acknowledged":true}""";
    private readonly FakeElasticsearch _server = new();
    private readonly Dictionary<string, JsonObject> _documents = [];
    private string? _aliasIndex = "librarycluster-records-20240101000000";

    public long CountAdjustment { get; set; }

    public Task InitializeAsync()
    {
        _server.Respond = Answer;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private CannedResponse Answer(RecordedRequest request)
    {
        var path = request.PathAndQuery.Split('?')[0];
        lock (_documents)
        {
            switch (request.Method, path)
            {
                case ("GET", var p) when p.StartsWith("/_alias/", StringComparison.Ordinal):
                    return _aliasIndex is null ? new CannedResponse(404, Recorded.Response("error-alias-missing.json")) : new CannedResponse(200, "{\"" + _aliasIndex + "\":{\"aliases\":{\"librarycluster-records\":{}}}}");
                case ("POST", "/_aliases"):
                    _aliasIndex = JsonNode.Parse(request.Body)!["actions"]!.AsArray().Last()!["add"]!["index"]!.GetValue<string>();
                    return new CannedResponse(200, Ack);
                case ("POST", "/_bulk"):
                    var lines = request.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                    var items = new JsonArray();
                    for (var i = 0; i < lines.Length; i += 2)
                    {
                        var id = JsonNode.Parse(lines[i])!["index"]!["_id"]!.GetValue<string>();
                        _documents[id] = JsonNode.Parse(lines[i + 1])!.AsObject();
                        items.Add(new JsonObject { ["index"] = new JsonObject { ["_id"] = id, ["status"] = 201 } });
                    }

                    return new CannedResponse(200, new JsonObject { ["took"] = 1, ["errors"] = false, ["items"] = items }.ToJsonString());
                case ("POST", var p) when p.EndsWith("/_count", StringComparison.Ordinal):
                    return new CannedResponse(200, $$$"""{"count":{{{_documents.Count + CountAdjustment}}},"_shards":{"total":1,"successful":1,"skipped":0,"failed":0}}""");
                case ("POST", var p) when p.EndsWith("/_msearch", StringComparison.Ordinal):
                    var searches = request.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                    var responses = new JsonArray();
                    for (var i = 1; i < searches.Length; i += 2)
                    {
                        var term = JsonNode.Parse(searches[i])!["query"]!["bool"]!["filter"]![0]!["term"]!.AsObject().Single();
                        var value = term.Value!.GetValue<string>();
                        var hits = new JsonArray([.. _documents.Where(d => d.Value[term.Key] is JsonValue v ? v.GetValue<string>() == value : d.Value[term.Key] is JsonArray a && a.Any(x => x!.GetValue<string>() == value))
                            .Select(d => (JsonNode)new JsonObject { ["_id"] = d.Key, ["_score"] = 0.0, ["_source"] = d.Value.DeepClone() })]);
                        responses.Add(new JsonObject { ["took"] = 1, ["timed_out"] = false, ["hits"] = new JsonObject { ["hits"] = hits }, ["status"] = 200 });
                    }

                    return new CannedResponse(200, new JsonObject { ["took"] = 2, ["responses"] = responses }.ToJsonString());
                case ("POST", var p) when p.EndsWith("/_refresh", StringComparison.Ordinal):
                    return new CannedResponse(200, """{"_shards":{"total":1,"successful":1,"failed":0}}""");
                default:
                    return new CannedResponse(200, request.Method == "PUT" && path.Count(c => c == '/') == 1 ? Recorded.Response("create-index.json") : Ack);
            }
        }
    }

    private ElasticsearchClient Client() => new(new ElasticsearchOptions { Url = _server.Url, BulkBytes = 64 * 1024, RetryDelay = TimeSpan.FromMilliseconds(1), RetryMaxDelay = TimeSpan.FromMilliseconds(5) });

    private sealed class Clock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
    }

    [Fact]
    public async Task The_Alias_Moves_Only_After_The_New_Index_Holds_Every_Record_And_Answers_Lookups()
    {
        var database = fixture.Temp.Join($"rebuild-{Guid.NewGuid():N}.db");
        File.Copy(fixture.Database, database);
        using var store = CatalogStore.Open(database);
        using var client = Client();
        var progress = new List<IndexProgress>();
        var report = await new CatalogSync(client, new Clock()).RebuildAsync(store, new Torrents.CallbackProgress<IndexProgress>(progress.Add));

        const string index = "librarycluster-records-20250102030405";
        Assert.Equal((index, store.CountRecords()), (report.Index, report.Records));
        Assert.Equal(["librarycluster-records-20240101000000"], report.Deleted);
        Assert.Equal(index, _aliasIndex);
        Assert.Equal(store.CountRecords(), _documents.Count);
        Assert.Equal(store.CountRecords(), progress[^1].Acknowledged);

        var calls = _server.Requests.Select(r => $"{r.Method} {r.PathAndQuery.Split('?')[0]}").Where(c => c != "POST /_bulk").ToList();
        Assert.Equal(
        [
            "PUT /_index_template/librarycluster-records",
            $"PUT /{index}",
            $"PUT /{index}/_settings",
            $"POST /{index}/_refresh",
            $"POST /{index}/_count",
            $"POST /{index}/_msearch",
            "GET /_alias/librarycluster-records",
            "POST /_aliases",
            "DELETE /librarycluster-records-20240101000000",
        ], calls);
        Assert.True(_server.Requests.Count(r => r.PathAndQuery.StartsWith("/_bulk", StringComparison.Ordinal)) > 1);

        // Held torrents (f_0 in the fixture) carry this node in held_by; the others carry nobody.
        Assert.All(_documents.Values.Where(d => d["torrent"]?.GetValue<string>() == "f_0"), d => Assert.Equal("[\"local\"]", d["held_by"]!.ToJsonString()));
        Assert.All(_documents.Values.Where(d => d["torrent"]?.GetValue<string>() != "f_0"), d => Assert.Null(d["held_by"]));
        Assert.True(CatalogOutbox.IsInstalled(store));
    }

    [Fact]
    public async Task When_The_New_Index_Lacks_Records_It_Is_Deleted_And_The_Alias_Stays()
    {
        var database = fixture.Temp.Join($"rebuild-{Guid.NewGuid():N}.db");
        File.Copy(fixture.Database, database);
        using var store = CatalogStore.Open(database);
        using var client = Client();
        CountAdjustment = -1;
        var error = await Assert.ThrowsAsync<ElasticsearchException>(() => new CatalogSync(client, new Clock()).RebuildAsync(store));
        Assert.Contains("the alias still points at the previous index", error.Message, StringComparison.Ordinal);
        Assert.Equal("librarycluster-records-20240101000000", _aliasIndex);
        Assert.DoesNotContain(_server.Requests, r => r.PathAndQuery == "/_aliases");
        Assert.Equal("DELETE /librarycluster-records-20250102030405", $"{_server.Requests.Last().Method} {_server.Requests.Last().PathAndQuery}");
    }

    [Fact]
    public async Task Imports_After_The_Index_Are_Pushed_And_Held_Changes_Are_Partial_Updates()
    {
        var database = fixture.Temp.Join($"rebuild-{Guid.NewGuid():N}.db");
        File.Copy(fixture.Database, database);
        using var store = CatalogStore.Open(database);
        using var client = Client();
        var sync = new CatalogSync(client, new Clock());
        await sync.RebuildAsync(store);
        _server.Requests.Clear();

        var record = store.FindByMd5(fixture.Manifest.Records.First(r => r.Collection == Catalog.Collection.Scitech).Md5).First();
        using (var writer = store.BeginWrite())
        {
            writer.Upsert(record with { Title = "Renamed", TimeLastModified = DateTime.UtcNow });
            writer.Commit();
        }

        Catalog.Torrents.TorrentRegistration.SetHeld(store, "f_0", held: false);
        Assert.Equal((1L, 1L), CatalogOutbox.Pending(store));
        var pushed = await sync.PushChangesAsync(store);
        Assert.Equal((1L, 0L, 0L, 1L), (pushed.Indexed, pushed.Deleted, pushed.HeldTorrents, pushed.NotHeldTorrents));
        Assert.Equal("Renamed", _documents[$"scitech-{record.Id}"]["title"]!.GetValue<string>());
        var update = Assert.Single(_server.Requests, r => r.PathAndQuery.Contains("_update_by_query", StringComparison.Ordinal));
        Assert.Equal("/librarycluster-records/_update_by_query?conflicts=proceed&refresh=false", update.PathAndQuery);
        Assert.Contains("\"f_0\"", update.Text, StringComparison.Ordinal);
        Assert.Contains(_server.Requests, r => r.PathAndQuery.StartsWith("/_bulk?refresh=false&require_alias=true", StringComparison.Ordinal));
        Assert.Equal((0L, 0L), CatalogOutbox.Pending(store));
        Assert.True((await sync.PushChangesAsync(store)).Nothing);
    }
}
