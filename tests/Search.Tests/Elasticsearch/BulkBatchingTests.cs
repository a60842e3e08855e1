using System.Text.Json;
using LibraryCluster.Search.Elasticsearch;

namespace LibraryCluster.Search.Tests.Elasticsearch;

/// <summary>NDJSON batching by bytes and per-item retries, through an in-memory handler: no network.</summary>
public class BulkBatchingTests
{
    private static readonly DocumentWriter<int> Padding = (writer, size) =>
    {
        writer.WriteStartObject();
        writer.WriteString("text", new string('x', size));
        writer.WriteEndObject();
    };

    private static (ElasticsearchClient Client, InMemoryElasticsearch Server) Client(int bulkBytes = 64 * 1024, int concurrency = 1)
    {
        var server = new InMemoryElasticsearch();
        var options = new ElasticsearchOptions { Url = "http://in-memory:9200", BulkBytes = bulkBytes, BulkConcurrency = concurrency, RetryDelay = TimeSpan.FromMilliseconds(1), RetryMaxDelay = TimeSpan.FromMilliseconds(5) };
        return (new ElasticsearchClient(options, server), server);
    }

    [Fact]
    public async Task Requests_Stay_Under_The_Byte_Limit_And_Keep_Every_Item_In_Order()
    {
        var (client, server) = Client();
        using (client)
        {
            await using var bulk = new BulkIndexer(client, "books");
            for (var i = 0; i < 1_000; i++)
            {
                await bulk.IndexAsync(new DocumentId("scitech", i), 100 + (i % 7 * 150), Padding);
            }

            await bulk.DeleteAsync(new DocumentId("scitech", 5));
            var report = await bulk.CompleteAsync();

            Assert.Equal((1_001L, 0L), (report.Items, report.Failed));
            Assert.True(server.Requests.Count > 5, $"{server.Requests.Count} requests");
            Assert.All(server.Requests, r => Assert.True(r.Body.Length <= 64 * 1024, $"a request of {r.Body.Length} bytes"));
            Assert.All(server.Requests, r => Assert.StartsWith("/_bulk?refresh=false&filter_path=", r.Path, StringComparison.Ordinal));
            var ids = server.Requests.SelectMany(r => InMemoryElasticsearch.Actions(r.Body)).Select(a => a.Id).ToList();
            Assert.Equal([.. Enumerable.Range(0, 1_000).Select(i => $"scitech-{i}"), "scitech-5"], ids);
            Assert.Equal(server.Requests.Sum(r => (long)r.Body.Length), report.Bytes);
        }
    }

    [Fact]
    public async Task Every_Line_Is_Json_And_Ends_In_A_Newline()
    {
        var (client, server) = Client();
        using (client)
        {
            await using var bulk = new BulkIndexer(client, "books");
            await bulk.IndexAsync(new DocumentId("fiction", 1), 3, Padding);
            await bulk.DeleteAsync(new DocumentId("fiction", 2));
            await bulk.CompleteAsync();
            var body = System.Text.Encoding.UTF8.GetString(Assert.Single(server.Requests).Body);
            Assert.Equal("{\"index\":{\"_index\":\"books\",\"_id\":\"fiction-1\"}}\n{\"text\":\"xxx\"}\n{\"delete\":{\"_index\":\"books\",\"_id\":\"fiction-2\"}}\n", body);
        }
    }

    [Fact]
    public async Task A_Document_Larger_Than_The_Limit_Goes_Alone()
    {
        var (client, server) = Client(bulkBytes: 64 * 1024);
        using (client)
        {
            await using var bulk = new BulkIndexer(client, "books");
            await bulk.IndexAsync(new DocumentId("scitech", 1), 100, Padding);
            await bulk.IndexAsync(new DocumentId("scitech", 2), 100_000, Padding);
            await bulk.IndexAsync(new DocumentId("scitech", 3), 100, Padding);
            var report = await bulk.CompleteAsync();
            Assert.Equal(0, report.Failed);
            Assert.Equal([["scitech-1"], ["scitech-2"], ["scitech-3"]], server.Requests.Select(r => InMemoryElasticsearch.Actions(r.Body).Select(a => a.Id).ToArray()).ToArray());
        }
    }

    [Fact]
    public async Task Items_Rejected_With_429_Are_Sent_Again_Alone_And_Other_Item_Errors_Are_Reported()
    {
        var (client, server) = Client();
        server.StatusFor = (_, id, request) => (id, request) switch
        {
            ("scitech-2", 1) or ("scitech-2", 2) => 429,
            ("scitech-3", _) => 400,
            _ => 201,
        };
        using (client)
        {
            await using var bulk = new BulkIndexer(client, "books");
            for (var i = 1; i <= 4; i++)
            {
                await bulk.IndexAsync(new DocumentId("scitech", i), 10, Padding);
            }

            var report = await bulk.CompleteAsync();
            Assert.Equal(3, server.Requests.Count);
            Assert.Equal(["scitech-2"], InMemoryElasticsearch.Actions(server.Requests[1].Body).Select(a => a.Id));
            Assert.Equal(["scitech-2"], InMemoryElasticsearch.Actions(server.Requests[2].Body).Select(a => a.Id));
            Assert.Equal((4L, 1L, 2L), (report.Items, report.Failed, report.ItemRetries));
            var failure = Assert.Single(report.Failures);
            Assert.Equal(("scitech-3", "index", 400, "document_parsing_exception"), (failure.Id, failure.Action, failure.Status, failure.Type));
        }
    }

    [Fact]
    public async Task Items_Still_Rejected_After_Every_Retry_Are_Failures_Not_Lost()
    {
        var (client, server) = Client();
        server.StatusFor = (_, id, _) => id == "scitech-1" ? 429 : 201;
        using (client)
        {
            await using var bulk = new BulkIndexer(client, "books");
            await bulk.IndexAsync(new DocumentId("scitech", 1), 10, Padding);
            await bulk.IndexAsync(new DocumentId("scitech", 2), 10, Padding);
            var report = await bulk.CompleteAsync();
            Assert.Equal(1 + client.Options.MaxRetries, server.Requests.Count);
            Assert.Equal(("scitech-1", 429), (Assert.Single(report.Failures).Id, report.Failures[0].Status));
        }
    }

    [Fact]
    public async Task Concurrent_Requests_Still_Deliver_Every_Item_Once()
    {
        var (client, server) = Client(bulkBytes: 64 * 1024, concurrency: 4);
        using (client)
        {
            await using var bulk = new BulkIndexer(client, "books");
            for (var i = 0; i < 5_000; i++)
            {
                await bulk.IndexAsync(new DocumentId("scimag", i), 200, Padding);
            }

            var report = await bulk.CompleteAsync();
            Assert.Equal(5_000, report.Succeeded);
            var ids = server.Requests.SelectMany(r => InMemoryElasticsearch.Actions(r.Body)).Select(a => a.Id).ToList();
            Assert.Equal(5_000, ids.Distinct().Count());
            Assert.Equal(5_000, ids.Count);
        }
    }

    [Fact]
    public void Msearch_Bodies_Are_Header_And_Body_Lines()
    {
        var body = ElasticsearchClient.MultiSearchBody(["{\"size\":1}"u8.ToArray(), "{\"size\":2}"u8.ToArray()]);
        Assert.Equal("{}\n{\"size\":1}\n{}\n{\"size\":2}\n", System.Text.Encoding.UTF8.GetString(body));
        Assert.Throws<ArgumentException>(() => ElasticsearchClient.MultiSearchBody(["{\n}"u8.ToArray()]));
        _ = JsonDocument.Parse("{}");
    }
}
