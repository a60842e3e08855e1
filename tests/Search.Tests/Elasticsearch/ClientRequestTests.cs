using LibraryCluster.Search.Elasticsearch;
using LibraryCluster.Testing;
using LibraryCluster.Search.Elasticsearch.Json;

namespace LibraryCluster.Search.Tests.Elasticsearch;

/// <summary>
/// Every call the client makes, sent to a loopback HTTP server that records it: method, path, content type and
/// body are checked against golden files (Golden/) written to Elasticsearch 8's REST API, and the recorded
/// answers (Responses/) are read back.
/// </summary>
[Trait("Category", "Elasticsearch")]
public sealed class ClientRequestTests : IAsyncLifetime
{
    private readonly FakeElasticsearch _server = new();
    private ElasticsearchClient _client = null!;

    public Task InitializeAsync()
    {
        _client = new ElasticsearchClient(new ElasticsearchOptions { Url = _server.Url, RetryDelay = TimeSpan.FromMilliseconds(1), RetryMaxDelay = TimeSpan.FromMilliseconds(5) });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private RecordedRequest Last() => _server.Requests.Last();

    [Fact]
    public async Task Info_Reads_The_Cluster_And_Version()
    {
        _server.EnqueueFile("info.json");
        var info = await _client.InfoAsync();
        Assert.Equal(("docker-cluster", "8.15.3"), (info.ClusterName, info.Version!.Number));
        Recorded.AssertGolden("call-info.json", Last());
    }

    [Fact]
    public async Task Index_Template_Index_Settings_Refresh_And_Delete()
    {
        _server.EnqueueFile("acknowledged.json").EnqueueFile("create-index.json").EnqueueFile("acknowledged.json").Enqueue(200, "{\"_shards\":{\"total\":1,\"successful\":1,\"failed\":0}}").EnqueueFile("acknowledged.json");
        var options = new ElasticsearchOptions { Url = _server.Url };
        await _client.PutIndexTemplateAsync("librarycluster-records", CatalogIndex.TemplateBody("librarycluster-records"));
        Recorded.AssertGolden("call-put-template.json", Last());
        await _client.CreateIndexAsync("librarycluster-records-20250102030405", CatalogIndex.CreateBody(options));
        Recorded.AssertGolden("call-create-index.json", Last());
        await _client.PutSettingsAsync("librarycluster-records-20250102030405", CatalogIndex.ServingSettings(options));
        Recorded.AssertGolden("call-put-settings.json", Last());
        await _client.RefreshAsync("librarycluster-records-20250102030405");
        Recorded.AssertGolden("call-refresh.json", Last());
        Assert.True(await _client.DeleteIndexAsync("librarycluster-records-20250101000000"));
        Recorded.AssertGolden("call-delete-index.json", Last());
        _server.EnqueueFile("error-index-not-found.json", 404);
        Assert.False(await _client.DeleteIndexAsync("gone"));
    }

    [Fact]
    public async Task Aliases_Are_Read_And_Swapped_In_One_Atomic_Request()
    {
        _server.EnqueueFile("alias.json").EnqueueFile("error-alias-missing.json", 404).EnqueueFile("acknowledged.json");
        Assert.Equal(["librarycluster-records-20250101000000"], await _client.GetAliasAsync("librarycluster-records"));
        Recorded.AssertGolden("call-get-alias.json", Last());
        Assert.Empty(await _client.GetAliasAsync("librarycluster-records"));
        await _client.SwapAliasAsync("librarycluster-records", "librarycluster-records-20250102030405", ["librarycluster-records-20250101000000"]);
        Recorded.AssertGolden("call-swap-alias.json", Last());
    }

    [Fact]
    public async Task Indices_Are_Listed_With_Their_Documents_And_Bytes()
    {
        _server.EnqueueFile("cat-indices.json");
        var indices = await _client.ListIndicesAsync("librarycluster-records-*");
        Assert.Equal(["librarycluster-records-20250101000000", "librarycluster-records-20250102030405"], indices.Select(i => i.Index));
        Recorded.AssertGolden("call-cat-indices.json", Last());
    }

    [Fact]
    public async Task Bulk_Sends_Ndjson_And_Reads_Only_Ids_Statuses_And_Errors()
    {
        _server.EnqueueFile("bulk-ok.json");
        await using (var bulk = new BulkIndexer(_client, "librarycluster-records"))
        {
            await bulk.IndexAsync(new DocumentId("scitech", 1), 0, static (w, _) => { w.WriteStartObject(); w.WriteString("title", "Quantum"); w.WriteEndObject(); });
            await bulk.IndexAsync(new DocumentId("fiction", 2), 0, static (w, _) => { w.WriteStartObject(); w.WriteString("title", "Tales"); w.WriteEndObject(); });
            await bulk.DeleteAsync(new DocumentId("scimag", 3));
            var report = await bulk.CompleteAsync();
            Assert.Equal((3L, 0L), (report.Items, report.Failed));
        }

        Recorded.AssertGolden("call-bulk.json", Last());
    }

    [Fact]
    public async Task A_Partial_Bulk_Failure_Resends_Only_The_Rejected_Item_And_Reports_The_Refused_One()
    {
        _server.EnqueueFile("bulk-partial.json").EnqueueFile("bulk-retried.json");
        await using var bulk = new BulkIndexer(_client, "librarycluster-records", Refresh.WaitFor, requireAlias: true);
        for (var i = 1; i <= 3; i++)
        {
            await bulk.IndexAsync(new DocumentId("scitech", i), i, static (w, n) => { w.WriteStartObject(); w.WriteNumber("n", n); w.WriteEndObject(); });
        }

        await bulk.DeleteAsync(new DocumentId("scitech", 4));
        var report = await bulk.CompleteAsync();
        Recorded.AssertGolden("call-bulk-retry.json", Last());
        Assert.Equal((4L, 1L, 1L), (report.Items, report.Failed, report.ItemRetries));
        Assert.Equal("index scitech-3: 400 document_parsing_exception: [1:130] failed to parse field [year] of type [integer] in document with id 'scitech-3'. Preview of field's value: 'MCMXC'", Assert.Single(report.Failures).ToString());
    }

    [Fact]
    public async Task Update_By_Query_Count_Search_And_Msearch()
    {
        _server.EnqueueFile("update-by-query-done.json").EnqueueFile("count.json").EnqueueFile("search.json").EnqueueFile("msearch.json");
        var updated = await _client.UpdateByQueryAsync("librarycluster-records", CatalogSync.HeldUpdateBody(["r_001"], held: true, "local"));
        Assert.Equal(2, updated.Updated);
        Recorded.AssertGolden("call-update-by-query.json", Last());

        Assert.Equal(290, await _client.CountAsync("librarycluster-records-20250102030405"));
        Recorded.AssertGolden("call-count.json", Last());

        var query = new SearchQuery { Text = "quantum" };
        var parsed = QueryText.Parse(query.Text);
        var page = new SearchPage { Size = 20, TrackTotalHitsUpTo = 10_000, Timeout = TimeSpan.FromMilliseconds(1500) };
        var response = await _client.SearchAsync("librarycluster-records", CatalogQuery.Body(CatalogQuery.Query(parsed, query), parsed, query, page), ElasticsearchJsonContext.Default.SearchResponseCatalogDocument, TimeSpan.FromSeconds(2));
        Assert.Equal(2, response.Hits.Hits.Count);
        Recorded.AssertGolden("call-search.json", Last());

        var lookup = new SearchQuery { Text = "7b2a4d53e6e1a8b0a5d5c0c9d1f00240", IncludeHidden = true };
        var lookupParsed = QueryText.Parse(lookup.Text);
        var answers = await _client.MultiSearchAsync(
            "librarycluster-records-20250102030405",
            [CatalogQuery.Body(CatalogQuery.Query(lookupParsed, lookup), lookupParsed, lookup, page with { Size = 10, Aggregations = false }), "{\"size\":0,\"query\":{\"match_all\":{}}}"u8.ToArray()],
            ElasticsearchJsonContext.Default.MultiSearchResponseCatalogDocument,
            TimeSpan.FromSeconds(2));
        Assert.Equal((200, 404), (answers[0].Status, answers[1].Status));
        Recorded.AssertGolden("call-msearch.json", Last());
    }

    [Fact]
    public async Task An_Error_Answer_Becomes_An_Exception_With_Elasticsearch_Type_And_Reason()
    {
        _server.EnqueueFile("error-strict-mapping.json", 400).EnqueueFile("error-index-not-found.json", 404);
        var refused = await Assert.ThrowsAsync<ElasticsearchException>(() => _client.CreateIndexAsync("x", "{}"u8.ToArray()));
        Assert.Equal((400, "strict_dynamic_mapping_exception"), (refused.Status, refused.ErrorType));
        Assert.Contains("PUT /x with 400: strict_dynamic_mapping_exception: [1:2] mapping set to strict", refused.Message, StringComparison.Ordinal);
        var missing = await Assert.ThrowsAsync<ElasticsearchException>(() => _client.CountAsync("librarycluster-records"));
        Assert.True(missing.IsIndexMissing);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task Api_Keys_And_Basic_Credentials_Go_In_The_Authorization_Header()
    {
        _server.EnqueueFile("info.json").EnqueueFile("info.json");
        using (var keyed = new ElasticsearchClient(new ElasticsearchOptions { Url = _server.Url, ApiKey = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==" }))
        {
            await keyed.InfoAsync();
        }

        Assert.Equal("ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==", Last().Authorization);
        using (var basic = new ElasticsearchClient(new ElasticsearchOptions { Url = _server.Url, Username = "elastic", Password = "changeme" }))
        {
            await basic.InfoAsync();
        }

        Assert.Equal("Basic ZWxhc3RpYzpjaGFuZ2VtZQ==", Last().Authorization);
    }
}
