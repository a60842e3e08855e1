using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace LibraryCluster.Host.Tests;

/// <summary>The JSON API, health, metrics and the admin token; hostile input of every kind.</summary>
public sealed class ApiTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    [Fact]
    public async Task Search_covers_the_whole_catalogue_and_says_what_is_held()
    {
        var results = await node.Client.GetFromJsonAsync<JsonElement>("/api/search?limit=500&collection=scitech");
        var hits = results.GetProperty("hits").EnumerateArray().ToList();

        Assert.Contains(hits, h => h.GetProperty("held").GetBoolean() && h.GetProperty("download").GetString() is not null);
        var notHeld = hits.First(h => h.GetProperty("record").GetProperty("torrent").GetString() == NodeFixture.NotHeldTorrent);
        Assert.False(notHeld.GetProperty("held").GetBoolean());
        Assert.Equal(JsonValueKind.Null, notHeld.GetProperty("download").ValueKind);
    }

    [Fact]
    public async Task A_record_by_md5_tells_where_to_download_it()
    {
        var book = node.HeldBook;
        var record = await node.Client.GetFromJsonAsync<JsonElement>($"/api/records/{book.Md5}");

        Assert.Equal(book.Title, record.GetProperty("record").GetProperty("title").GetString());
        Assert.Equal($"/files/{book.Md5}", record.GetProperty("download").GetString());
        Assert.Equal("Healthy", record.GetProperty("replicaState").GetString());
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("title:*")]
    [InlineData("NEAR(a b")]
    [InlineData("a OR")]
    [InlineData("-(")]
    [InlineData("^foo AND NOT")]
    [InlineData("%00")]
    [InlineData("'; DROP TABLE records; --")]
    public async Task Search_syntax_in_the_query_is_text_not_a_crash(string q)
    {
        using var response = await node.Client.GetAsync($"/api/search?q={Uri.EscapeDataString(q)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/search?limit=0")]
    [InlineData("/api/search?limit=100000")]
    [InlineData("/api/search?offset=-1")]
    [InlineData("/api/search?collection=books")]
    [InlineData("/api/search?collection=1")]
    [InlineData("/api/search?sort=random")]
    [InlineData("/api/search?year_from=abc")]
    public async Task Bad_parameters_get_400_naming_the_parameter(string url)
    {
        using var response = await node.Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var name = url.Split('?')[1].Split('=')[0];
        Assert.Contains(name, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_query_is_refused_and_oversized_headers_too()
    {
        using var longQuery = await node.Client.GetAsync($"/api/search?q={new string('a', 600)}");
        Assert.Equal(HttpStatusCode.BadRequest, longQuery.StatusCode);
        Assert.Contains("at most 500", await longQuery.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/search?q=a");
        request.Headers.TryAddWithoutValidation("X-Padding", new string('x', 40_000));
        using var bigHeaders = await node.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, bigHeaders.StatusCode);
    }

    [Theory]
    [InlineData("/files/not-an-md5")]
    [InlineData("/files/0123456789abcdef0123456789abcdeg")]
    [InlineData("/files/..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/files/%2e%2e%2f%2e%2e%2fetc%2fpasswd")]
    [InlineData("/files/..%252F..%252Fetc%252Fpasswd")]
    [InlineData("/files/doi/..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/files/doi/10.1000/..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/files/doi/%00")]
    [InlineData("/records/..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/records/doi/..%2F..%2Fnode.db")]
    [InlineData("/api/records/..%2F..%2Fcatalog.db")]
    [InlineData("/api/records/%2e%2e")]
    [InlineData("/files/../../etc/passwd")]
    [InlineData("/site.css/..%2F..%2Fnode.db")]
    public async Task Traversal_and_malformed_keys_never_reach_a_file(string url)
    {
        using var response = await node.Client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{url}: {(int)response.StatusCode}");
        Assert.DoesNotContain("root:", body, StringComparison.Ordinal);
        Assert.DoesNotContain("SQLite format", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/admin/torrents")]
    [InlineData("/api/admin/volumes")]
    [InlineData("/api/admin/journal")]
    public async Task Admin_routes_need_the_token(string url)
    {
        using var none = await node.Client.GetAsync(url);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, url);
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", NodeFixture.AdminToken + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await node.Client.SendAsync(wrong)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await node.Admin.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task The_journal_records_each_adoption_with_its_bytes()
    {
        var journal = await node.Admin.GetFromJsonAsync<JsonElement>("/api/admin/journal?limit=1000");
        var healthy = journal.EnumerateArray().Where(e => e.GetProperty("to").GetString() == "Healthy").ToList();

        Assert.Equal(node.Manifest.Torrents.Count - 1, healthy.Count);
        Assert.All(healthy, e => Assert.True(e.GetProperty("bytes").GetInt64() > 0));
        Assert.Equal(HttpStatusCode.BadRequest, (await node.Admin.GetAsync("/api/admin/journal?limit=0")).StatusCode);
    }

    [Fact]
    public async Task A_torrent_that_is_not_a_torrent_is_refused_with_the_reason()
    {
        using var garbage = await node.Admin.PutAsync("/api/admin/torrents/r_5000", new ByteArrayContent("d4:infoi1ee"u8.ToArray()));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        var reason = await garbage.Content.ReadAsStringAsync();
        Assert.True(reason.Contains("info", StringComparison.Ordinal), reason);

        using var badName = await node.Admin.PutAsync("/api/admin/torrents/passwd", new ByteArrayContent([1, 2, 3]));
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        Assert.Contains("LibGen torrent name", await badName.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Adding_a_torrent_already_held_changes_nothing()
    {
        var bytes = await File.ReadAllBytesAsync(Path.Join(node.DataDirectory, "torrents", "r_000.torrent"));
        using var again = await node.Admin.PutAsync("/api/admin/torrents/r_000", new ByteArrayContent(bytes));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("alreadyHeld").GetBoolean());
    }

    [Fact]
    public async Task Health_readiness_metrics_and_the_openapi_document_answer()
    {
        Assert.Equal("ok\n", await node.Client.GetStringAsync("/healthz"));
        var ready = await node.Client.GetStringAsync("/readyz");
        Assert.StartsWith("ready", ready, StringComparison.Ordinal);
        Assert.EndsWith("\nswarm: not seeding: no BitTorrent daemon is configured (set Swarm:DaemonPath, or Swarm:WebUiUrl; see docs/swarm.md)\n", ready, StringComparison.Ordinal);

        var metrics = await node.Client.GetStringAsync("/metrics");
        Assert.Contains($"librarycluster_replicas{{state=\"Healthy\"}} {node.Manifest.Torrents.Count - 1}", metrics, StringComparison.Ordinal);
        Assert.Contains("librarycluster_volume_up{volume=\"a\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("librarycluster_verified_bytes_total", metrics, StringComparison.Ordinal);

        var openApi = await node.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = openApi.GetProperty("paths");
        foreach (var path in new[] { "/api/search", "/api/records/{md5}", "/api/admin/torrents", "/api/admin/volumes", "/api/admin/journal" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }
    }
}
