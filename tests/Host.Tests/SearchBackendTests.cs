using System.Net.Http.Json;
using System.Text.Json;
using LibraryCluster.Host.Configuration;
using LibraryCluster.Host.Node;
using LibraryCluster.Samples;
using LibraryCluster.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LibraryCluster.Host.Tests;

/// <summary>Choosing the search backend by configuration alone.</summary>
public sealed class SearchBackendTests
{
    [Theory]
    [InlineData(new[] { "--Search:Backend=elasticsearch" }, "Search:Elasticsearch:Url is empty")]
    [InlineData(new[] { "--Search:Backend=solr" }, "Search:Backend \"solr\" is not one of sqlite, elasticsearch")]
    [InlineData(new[] { "--Search:Backend=elasticsearch", "--Search:Elasticsearch:Url=http://127.0.0.1:9200", "--Search:Elasticsearch:Username=elastic" }, "Search:Elasticsearch:Username and Search:Elasticsearch:Password go together")]
    public async Task A_Node_With_Bad_Search_Settings_Does_Not_Start_And_Names_Them(string[] settings, string expected)
    {
        using var temp = new TempDirectory();
        await using var app = NodeApplication.Create(["--urls", "http://127.0.0.1:0", "--data-dir", temp.Path, "--Logging:LogLevel:Default=None", .. settings]);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sqlite_Is_The_Default_And_Needs_No_Elasticsearch_Settings() =>
        Assert.True(new SearchOptionsValidator().Validate(null, new SearchOptions()).Succeeded);

    [Fact]
    [Trait("Category", "Elasticsearch")]
    public async Task Configuring_An_Elasticsearch_Url_Sends_The_Node_Searches_There()
    {
        using var temp = new TempDirectory();
        var data = temp.Join("data");
        await DemoCollection.PrepareAsync(new NodeOptions { DataDirectory = data, Demo = true }, NullLogger.Instance, CancellationToken.None, new SampleOptions { OutputDirectory = string.Empty, Books = 20, Fiction = 5, Scimag = 10, Seed = 3 });
        await using var elasticsearch = new FakeElasticsearch
        {
            Respond = request => request.PathAndQuery switch
            {
                var p when p.StartsWith("/_alias/", StringComparison.Ordinal) => new CannedResponse(200, """{"librarycluster-records-20250101000000":{"aliases":{"librarycluster-records":{}}}}"""),
                var p when p.Contains("/_update_by_query", StringComparison.Ordinal) => new CannedResponse(200, """{"took":1,"timed_out":false,"total":0,"updated":0,"deleted":0,"batches":0,"version_conflicts":0,"noops":0,"retries":{"bulk":0,"search":0},"throttled_millis":0,"requests_per_second":-1.0,"throttled_until_millis":0,"failures":[]}"""),
                var p when p.StartsWith("/librarycluster-records/_search", StringComparison.Ordinal) => new CannedResponse(200, """
                    {"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},
                     "hits":{"total":{"value":1,"relation":"eq"},"max_score":2.5,"hits":[{"_index":"librarycluster-records-20250101000000","_id":"scitech-999999","_score":2.5,
                       "_source":{"key":999999,"collection":"scitech","id":999999,"md5":"00112233445566778899aabbccddeeff","title":"Only In Elasticsearch","language":"English","extension":"pdf","size":10,"visible":"","identifiers":["md5:00112233445566778899aabbccddeeff"],"stored":{"source":"libgen.rs"}},
                       "sort":[2.5,999999]}]},
                     "aggregations":{"collection":{"doc_count":1,"values":{"doc_count_error_upper_bound":0,"sum_other_doc_count":0,"buckets":[{"key":"scitech","doc_count":1}]}}}}
                    """),
                _ => new CannedResponse(200, """{"took":1,"errors":false,"items":[]}"""),
            },
        };

        await using var app = NodeApplication.Create(
        [
            "--urls", "http://127.0.0.1:0", "--data-dir", data, "--Logging:LogLevel:Default=Warning",
            "--Search:Backend=elasticsearch", $"--Search:Elasticsearch:Url={elasticsearch.Url}",
        ]);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var results = await client.GetFromJsonAsync<JsonElement>("/api/search?q=only+in+elasticsearch");
        Assert.Equal("Only In Elasticsearch", results.GetProperty("hits")[0].GetProperty("record").GetProperty("title").GetString());
        Assert.Equal(1, results.GetProperty("total").GetInt32());
        Assert.Contains("Only In Elasticsearch", await client.GetStringAsync("/?q=only+in+elasticsearch"), StringComparison.Ordinal);
        Assert.Contains(elasticsearch.Requests, r => r.PathAndQuery == "/librarycluster-records/_search");
        await app.StopAsync();
    }

    [Fact]
    [Trait("Category", "Elasticsearch")]
    public async Task Until_Elasticsearch_Has_An_Index_The_Node_Answers_From_Sqlite()
    {
        using var temp = new TempDirectory();
        var data = temp.Join("data");
        await DemoCollection.PrepareAsync(new NodeOptions { DataDirectory = data, Demo = true }, NullLogger.Instance, CancellationToken.None, new SampleOptions { OutputDirectory = string.Empty, Books = 20, Fiction = 5, Scimag = 10, Seed = 3 });
        await using var elasticsearch = new FakeElasticsearch
        {
            Respond = _ => new CannedResponse(404, """{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [librarycluster-records]"}],"type":"index_not_found_exception","reason":"no such index [librarycluster-records]"},"status":404}"""),
        };
        await using var app = NodeApplication.Create(
        [
            "--urls", "http://127.0.0.1:0", "--data-dir", data, "--Logging:LogLevel:Default=None",
            "--Search:Backend=elasticsearch", $"--Search:Elasticsearch:Url={elasticsearch.Url}",
        ]);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var results = await client.GetFromJsonAsync<JsonElement>("/api/search?limit=5");
        Assert.Equal(5, results.GetProperty("hits").GetArrayLength());
        Assert.Contains(elasticsearch.Requests, r => r.PathAndQuery == "/librarycluster-records/_search");
        await app.StopAsync();
    }
}
