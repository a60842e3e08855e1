using System.Text.Json.Nodes;
using LibraryCluster.Search.Elasticsearch;
using LibraryCluster.Testing;

namespace LibraryCluster.Search.Tests.Elasticsearch;

/// <summary>The Elasticsearch backend over a loopback server replaying recorded answers: results, flags, fuzzy retry, deep pages, fallback.</summary>
[Trait("Category", "Elasticsearch")]
public sealed class ElasticsearchBackendTests : IAsyncLifetime
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

    private static JsonNode Body(RecordedRequest request) => JsonNode.Parse(request.Body)!;

    [Fact]
    public async Task A_Page_Gives_Records_Held_Flags_Totals_And_Facets()
    {
        _server.EnqueueFile("search.json");
        var results = await new ElasticsearchCatalogSearch(_client).SearchAsync(new SearchQuery { Text = "quantum" });
        Assert.Equal(SearchMode.FullText, results.Mode);
        Assert.Equal((2L, true, false, false), (results.Total, results.TotalIsExact, results.TimedOut, results.Fuzzy));
        Assert.Equal([(1001L, true), (77L, false)], results.Hits.Select(h => (h.Record.Id, h.Held)));
        Assert.Equal(["scitech", "fiction"], results.Facets[Facets.Collection].Select(f => f.Value));
        Assert.Contains("\"multi_match\"", results.EngineQuery, StringComparison.Ordinal);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/librarycluster-records/_search", request.PathAndQuery);
        Assert.Equal("2000ms", Body(request)["timeout"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_Search_Out_Of_Time_Returns_What_It_Found_Flagged_Partial()
    {
        _server.EnqueueFile("search-timed-out.json");
        var results = await new ElasticsearchCatalogSearch(_client).SearchAsync(new SearchQuery { Text = "theory", TimeBudget = TimeSpan.FromMilliseconds(250) });
        Assert.True(results.TimedOut);
        Assert.False(results.TotalIsExact);
        Assert.Equal(10_000, results.Total);
        Assert.Single(results.Hits);
        Assert.Equal("250ms", Body(Assert.Single(_server.Requests))["timeout"]!.GetValue<string>());
    }

    [Fact]
    public async Task No_Exact_Match_Makes_One_Bounded_Fuzzy_Retry_Flagged_Fuzzy()
    {
        _server.EnqueueFile("search-empty.json").EnqueueFile("search.json");
        var results = await new ElasticsearchCatalogSearch(_client).SearchAsync(new SearchQuery { Text = "quantm mechanics " });
        Assert.True(results.Fuzzy);
        Assert.Equal(2, results.Hits.Count);
        Assert.Equal(2, _server.Requests.Count);
        var retried = Body(_server.Requests.Last())["query"]!["bool"]!["must"]![0]!["multi_match"]!;
        Assert.Equal(("AUTO:5,8", 2, 50), (retried["fuzziness"]!.GetValue<string>(), retried["prefix_length"]!.GetValue<int>(), retried["max_expansions"]!.GetValue<int>()));
        Assert.Null(Body(_server.Requests.First())["query"]!["bool"]!["must"]![0]!["multi_match"]!["fuzziness"]);
    }

    [Theory]
    [InlineData("etud")]
    [InlineData("\"no such phrase\"")]
    [InlineData("")]
    public async Task Prefixes_Phrases_And_Browsing_Get_No_Fuzzy_Retry(string text)
    {
        _server.EnqueueFile("search-empty.json");
        var results = await new ElasticsearchCatalogSearch(_client).SearchAsync(new SearchQuery { Text = text });
        Assert.Empty(results.Hits);
        Assert.False(results.Fuzzy);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task A_Page_Past_The_Result_Window_Is_Reached_With_Search_After()
    {
        _server.Respond = request =>
        {
            var body = Body(request);
            var size = body["size"]!.GetValue<int>();
            var after = body["search_after"]?[1]?.GetValue<long>() ?? 1_000_000;
            var source = body["_source"]?.GetValue<bool>() ?? true;
            var hits = new JsonArray([.. Enumerable.Range(1, size).Select(i => (JsonNode)new JsonObject
            {
                ["_index"] = "librarycluster-records-1",
                ["_id"] = $"scitech-{after - i}",
                ["_score"] = null,
                ["_source"] = source ? new JsonObject { ["key"] = after - i, ["collection"] = "scitech", ["id"] = after - i, ["visible"] = string.Empty } : null,
                ["sort"] = new JsonArray(1_600_000_000 - i, after - i),
            })]);
            var answer = new JsonObject
            {
                ["took"] = 5,
                ["timed_out"] = false,
                ["hits"] = new JsonObject { ["total"] = new JsonObject { ["value"] = 10_000, ["relation"] = "gte" }, ["max_score"] = null, ["hits"] = hits },
            };
            return new CannedResponse(200, answer.ToJsonString());
        };
        var results = await new ElasticsearchCatalogSearch(_client).SearchAsync(new SearchQuery { Offset = 10_000, Limit = 20 });
        Assert.Equal(2, _server.Requests.Count);
        var (first, second) = (Body(_server.Requests.First()), Body(_server.Requests.Last()));
        Assert.Equal((0, 10_000, false), (first["from"]!.GetValue<int>(), first["size"]!.GetValue<int>(), first["_source"]!.GetValue<bool>()));
        Assert.NotNull(first["aggs"]);
        Assert.Null(second["from"]);
        Assert.Null(second["aggs"]);
        Assert.Equal("[1599990000,990000]", second["search_after"]!.ToJsonString());
        Assert.Equal(Enumerable.Range(1, 20).Select(i => 990_000L - i), results.Hits.Select(h => h.Record.Id));
    }

    [Fact]
    public async Task Without_An_Index_Yet_The_Fallback_Answers_And_Says_Why()
    {
        _server.EnqueueFile("error-index-not-found.json", 404);
        var fallback = new FixedSearch();
        var search = new ElasticsearchCatalogSearch(_client, fallback);
        var reasons = new List<ElasticsearchException>();
        search.FellBack += reasons.Add;
        var results = await search.SearchAsync(new SearchQuery { Text = "x" });
        Assert.Same(FixedSearch.Results, results);
        Assert.True(Assert.Single(reasons).IsIndexMissing);
    }

    [Fact]
    public async Task Without_A_Fallback_A_Missing_Index_Is_An_Error()
    {
        _server.EnqueueFile("error-index-not-found.json", 404);
        var error = await Assert.ThrowsAsync<ElasticsearchException>(() => new ElasticsearchCatalogSearch(_client).SearchAsync(new SearchQuery { Text = "x" }));
        Assert.True(error.IsIndexMissing);
    }

    private sealed class FixedSearch : ICatalogSearch
    {
        public static readonly SearchResults Results = new() { Mode = SearchMode.Browse, Hits = [], Total = 0, Facets = new Dictionary<string, IReadOnlyList<FacetValue>>(), Elapsed = TimeSpan.Zero };

        public Task<SearchResults> SearchAsync(SearchQuery query, CancellationToken cancellationToken = default) => Task.FromResult(Results);
    }
}
