using LibraryCluster.Search.Elasticsearch;
using LibraryCluster.Testing;

namespace LibraryCluster.Search.Tests.Elasticsearch;

/// <summary>Back-off on 429, 502, 503 and 504 and on no answer, against a loopback server that answers as told.</summary>
[Trait("Category", "Elasticsearch")]
public sealed class RetryTests : IAsyncLifetime
{
    private readonly FakeElasticsearch _server = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static ElasticsearchClient Client(string url, int retries = 3) => new(new ElasticsearchOptions
    {
        Url = url,
        MaxRetries = retries,
        RetryDelay = TimeSpan.FromMilliseconds(20),
        RetryMaxDelay = TimeSpan.FromMilliseconds(80),
        RequestTimeout = TimeSpan.FromSeconds(5),
    });

    [Theory]
    [InlineData(429, "error-too-many-requests.json")]
    [InlineData(503, "error-unavailable.json")]
    public async Task A_Busy_Answer_Is_Retried_With_Growing_Waits_Then_The_Answer_Is_Used(int status, string file)
    {
        _server.EnqueueFile(file, status).EnqueueFile(file, status).EnqueueFile("count.json");
        using var client = Client(_server.Url);
        var notices = new List<RetryNotice>();
        client.Retrying += notices.Add;
        Assert.Equal(290, await client.CountAsync("librarycluster-records"));
        Assert.Equal(3, _server.Requests.Count);
        Assert.Equal([1, 2], notices.Select(n => n.Attempt));
        Assert.All(notices, n => Assert.Equal(status, n.Status));
        Assert.InRange(notices[0].Delay, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20));
        Assert.InRange(notices[1].Delay, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(40));
        Assert.All(_server.Requests, r => Assert.Equal("/librarycluster-records/_count", r.PathAndQuery));
    }

    [Fact]
    public async Task Retries_End_With_A_Clear_Error_Naming_The_Cluster_And_The_Attempts()
    {
        _server.Respond = _ => new CannedResponse(503, Recorded.Response("error-unavailable.json"));
        using var client = Client(_server.Url, retries: 2);
        var error = await Assert.ThrowsAsync<ElasticsearchException>(() => client.CountAsync("x"));
        Assert.Equal(3, _server.Requests.Count);
        Assert.True(error.IsUnavailable);
        Assert.Contains($"Elasticsearch at {_server.Url} answered POST /x/_count with 503 search_phase_execution_exception: all shards failed, after 3 attempts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_Errors_Are_Not_Retried()
    {
        _server.EnqueueFile("error-strict-mapping.json", 400);
        using var client = Client(_server.Url);
        await Assert.ThrowsAsync<ElasticsearchException>(() => client.CountAsync("x"));
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task No_Answer_At_All_Is_Retried_Then_Reported_As_Unreachable()
    {
        using var client = Client($"http://127.0.0.1:{LoopbackPorts.Free()}", retries: 2);
        var notices = new List<RetryNotice>();
        client.Retrying += notices.Add;
        var error = await Assert.ThrowsAsync<ElasticsearchException>(() => client.InfoAsync());
        Assert.Equal(2, notices.Count);
        Assert.Equal(0, error.Status);
        Assert.True(error.IsUnavailable);
        Assert.Contains("could not be reached for GET /", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Bulk_Rejected_Whole_With_429_Is_Sent_Again_Whole()
    {
        _server.EnqueueFile("error-too-many-requests.json", 429).EnqueueFile("bulk-retried.json");
        using var client = Client(_server.Url);
        await using var bulk = new BulkIndexer(client, "books");
        await bulk.IndexAsync(new DocumentId("scitech", 2), 0, static (w, _) => { w.WriteStartObject(); w.WriteEndObject(); });
        var report = await bulk.CompleteAsync();
        Assert.Equal(0, report.Failed);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal(_server.Requests.First().Text, _server.Requests.Last().Text);
    }

    [Fact]
    public async Task A_Search_Is_Not_Retried_Past_Its_Time_Budget()
    {
        _server.Respond = _ => new CannedResponse(503, Recorded.Response("error-unavailable.json"));
        using var client = new ElasticsearchClient(new ElasticsearchOptions { Url = _server.Url, MaxRetries = 50, RetryDelay = TimeSpan.FromMilliseconds(100), RetryMaxDelay = TimeSpan.FromMilliseconds(100) });
        var search = new ElasticsearchCatalogSearch(client);
        var started = DateTime.UtcNow;
        await Assert.ThrowsAsync<ElasticsearchException>(() => search.SearchAsync(new SearchQuery { Text = "x", TimeBudget = TimeSpan.FromMilliseconds(300) }));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3));
        Assert.InRange(_server.Requests.Count, 1, 6);
    }
}
