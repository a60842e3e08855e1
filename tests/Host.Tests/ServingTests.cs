using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace LibraryCluster.Host.Tests;

/// <summary>Downloads: whole files whose MD5 is their name, ranges, validators, zip entries, and what is not held.</summary>
public sealed class ServingTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private static string Md5Of(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));

    [Fact]
    public async Task A_downloaded_book_hashes_to_its_name_and_carries_validators_and_a_readable_file_name()
    {
        var book = node.HeldBook;
        using var response = await node.Client.GetAsync($"/files/{book.Md5}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(book.Md5, Md5Of(bytes));
        Assert.Equal(book.Size, bytes.Length);
        Assert.Equal($"\"{book.Md5}\"", response.Headers.ETag?.Tag);
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Equal("bytes", response.Headers.AcceptRanges.Single());
        var disposition = response.Content.Headers.ContentDisposition!;
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.EndsWith("." + book.Extension, disposition.FileNameStar, StringComparison.Ordinal);
        Assert.DoesNotContain('/', disposition.FileNameStar!);
    }

    [Fact]
    public async Task Every_held_book_arrives_whole_including_those_longer_than_one_read()
    {
        var books = node.Manifest.Records.Where(r => r.Collection == Catalog.Collection.Scitech && r.HasFile && r.Visible.Length == 0 && r.Torrent != NodeFixture.NotHeldTorrent).ToList();
        Assert.Contains(books, b => b.Size > 64 * 1024);
        foreach (var book in books)
        {
            var bytes = await node.Client.GetByteArrayAsync($"/files/{book.Md5}");
            Assert.Equal(book.Md5, Md5Of(bytes));
        }
    }

    [Fact]
    public async Task Upper_case_md5s_are_the_same_book() =>
        Assert.Equal(HttpStatusCode.OK, (await node.Client.GetAsync($"/files/{node.HeldBook.Md5.ToUpperInvariant()}", HttpCompletionOption.ResponseHeadersRead)).StatusCode);

    [Theory]
    [InlineData("bytes=0-0")]
    [InlineData("bytes=-1")]
    [InlineData("bytes=100-199")]
    [InlineData("bytes=-10")]
    public async Task Ranges_answer_206_with_exactly_those_bytes(string range)
    {
        var book = node.HeldBook;
        var whole = await node.Client.GetByteArrayAsync($"/files/{book.Md5}");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/files/{book.Md5}");
        request.Headers.Range = RangeHeaderValue.Parse(range);

        using var response = await node.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        var (from, to) = response.Content.Headers.ContentRange is { From: { } f, To: { } t } ? (f, t) : throw new InvalidOperationException("no Content-Range");
        Assert.Equal(whole.Length, response.Content.Headers.ContentRange!.Length);
        Assert.Equal(whole[(int)from..((int)to + 1)], await response.Content.ReadAsByteArrayAsync());
        if (range == "bytes=-1")
        {
            Assert.Equal(whole.Length - 1, from);
        }
    }

    [Fact]
    public async Task A_multi_range_request_gets_the_whole_file_rather_than_a_wrong_answer()
    {
        var book = node.HeldBook;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/files/{book.Md5}");
        request.Headers.TryAddWithoutValidation("Range", "bytes=0-0,10-20");

        using var response = await node.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(book.Md5, Md5Of(await response.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task A_range_past_the_end_is_416()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/files/{node.HeldBook.Md5}");
        request.Headers.Range = new RangeHeaderValue(node.HeldBook.Size + 10, null);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, (await node.Client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task If_none_match_with_the_md5_is_304_and_head_sends_no_body()
    {
        var book = node.HeldBook;
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/files/{book.Md5}");
        conditional.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{book.Md5}\""));
        Assert.Equal(HttpStatusCode.NotModified, (await node.Client.SendAsync(conditional)).StatusCode);

        using var head = await node.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/files/{book.Md5}"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(book.Size, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task An_article_streams_out_of_its_zip_by_doi_and_by_md5()
    {
        var article = node.Article;
        using var byDoi = await node.Client.GetAsync($"/files/doi/{article.Doi}");
        Assert.Equal(HttpStatusCode.OK, byDoi.StatusCode);
        var bytes = await byDoi.Content.ReadAsByteArrayAsync();
        Assert.Equal(article.Md5, Md5Of(bytes));
        Assert.Equal(article.Size, byDoi.Content.Headers.ContentLength);
        Assert.Equal("application/pdf", byDoi.Content.Headers.ContentType?.MediaType);

        Assert.Equal(bytes, await node.Client.GetByteArrayAsync($"/files/{article.Md5}"));
    }

    [Fact]
    public async Task A_record_whose_torrent_is_not_held_gets_a_clear_answer_in_json_and_html()
    {
        var book = node.NotHeldBook;
        using var json = await node.Client.GetAsync($"/files/{book.Md5}");
        Assert.Equal(HttpStatusCode.NotFound, json.StatusCode);
        Assert.Equal("application/problem+json", json.Content.Headers.ContentType?.MediaType);
        Assert.Contains(NodeFixture.NotHeldTorrent, await json.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/files/{book.Md5}");
        request.Headers.Accept.ParseAdd("text/html");
        using var html = await node.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, html.StatusCode);
        Assert.Contains("Not held here", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_md5_that_is_in_no_record_is_404_not_500() =>
        Assert.Equal(HttpStatusCode.NotFound, (await node.Client.GetAsync($"/files/{new string('0', 32)}")).StatusCode);
}
