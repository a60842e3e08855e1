using System.Text.Json;
using LibraryCluster.Catalog;
using LibraryCluster.Search.Elasticsearch;

namespace LibraryCluster.Search.Tests.Elasticsearch;

/// <summary>Query translation to Elasticsearch's DSL: pure, no network; each body is checked against a golden file.</summary>
public class CatalogQueryTests
{
    private static readonly SearchPage FirstPage = new() { From = 0, Size = 20, TrackTotalHitsUpTo = 10_000, Timeout = TimeSpan.FromSeconds(2) };

    private static JsonDocument Body(SearchQuery query, SearchPage? page = null, FuzzySettings? fuzzy = null)
    {
        var parsed = QueryText.Parse(query.Text);
        return JsonDocument.Parse(CatalogQuery.Body(CatalogQuery.Query(parsed, query, fuzzy), parsed, query, page ?? FirstPage));
    }

    private static void Golden(string name, SearchQuery query, SearchPage? page = null, FuzzySettings? fuzzy = null)
    {
        var parsed = QueryText.Parse(query.Text);
        Recorded.AssertGolden(name, Recorded.Json(CatalogQuery.Body(CatalogQuery.Query(parsed, query, fuzzy), parsed, query, page ?? FirstPage)));
    }

    [Fact]
    public void Words_Phrases_And_A_Prefix_Become_One_Must_Clause_Each() =>
        Golden("search-fulltext.json", new SearchQuery { Text = "\"differential equations\" Courant hilb" });

    [Fact]
    public void The_Fuzzy_Retry_Bounds_Edits_Prefix_And_Expansions_On_Finished_Words_Only() =>
        Golden("search-fuzzy.json", new SearchQuery { Text = "quantm mechancs" }, fuzzy: new FuzzySettings("AUTO:5,8", 2, 50));

    [Fact]
    public void Facet_Filters_Go_In_Post_Filter_And_Each_Facet_Counts_Under_The_Others() =>
        Golden("search-filtered.json", new SearchQuery { Language = "ENGLISH", Extension = "PDF", Collection = Collection.Scitech, YearFrom = 1990, YearTo = 2000, HeldOnly = true, Sort = SearchSort.YearNewest, Offset = 40, Limit = 20 }, FirstPage with { From = 40 });

    [Fact]
    public void An_Md5_Is_A_Term_Filter_And_Hidden_Records_Are_Kept_When_Asked() =>
        Golden("search-md5.json", new SearchQuery { Text = "md5:7B2A4D53E6E1A8B0A5D5C0C9D1F00240", IncludeHidden = true });

    [Fact]
    public void A_Deep_Page_Continues_After_The_Last_Sort_Values_Without_Facets()
    {
        using var after = JsonDocument.Parse("[14.7, 1001]");
        Golden("search-after.json", new SearchQuery { Text = "quantum", Sort = SearchSort.SizeSmallest }, FirstPage with { Size = 500, SearchAfter = after.RootElement, Aggregations = false });
    }

    [Theory]
    [InlineData("", SearchSort.Relevance, "added")]
    [InlineData("x", SearchSort.Relevance, "_score")]
    [InlineData("x", SearchSort.YearOldest, "year")]
    [InlineData("", SearchSort.SizeLargest, "size")]
    public void Sorts_As_The_Sqlite_Backend_With_The_Key_As_Tie_Breaker(string text, SearchSort sort, string first)
    {
        using var body = Body(new SearchQuery { Text = text, Sort = sort });
        var fields = body.RootElement.GetProperty("sort").EnumerateArray().Select(s => s.EnumerateObject().Single().Name).ToList();
        Assert.Equal(first, fields[0]);
        Assert.Equal("key", fields[^1]);
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("a* OR b* NOT c*")]
    [InlineData("title:x AND author:y")]
    [InlineData("'; DROP TABLE records; --")]
    [InlineData("\u0000\u001a\\ {\"query\":{\"match_all\":{}}}")]
    public void User_Text_Is_Only_Ever_A_Json_String_Value(string text)
    {
        using var body = Body(new SearchQuery { Text = text });
        var must = body.RootElement.GetProperty("query").GetProperty("bool");
        foreach (var clause in must.TryGetProperty("must", out var m) ? m.EnumerateArray() : Enumerable.Empty<JsonElement>())
        {
            var query = clause.GetProperty("multi_match").GetProperty("query").GetString()!;
            Assert.All(query, c => Assert.True(char.IsLetterOrDigit(c) || c == ' '));
        }
    }

    [Fact]
    public void The_Held_Update_Matches_Only_Records_That_Need_It()
    {
        Recorded.AssertGolden("update-held.json", Recorded.Json(CatalogSync.HeldUpdateBody(["r_000", "f_0"], held: true, "node-a")));
        Recorded.AssertGolden("update-not-held.json", Recorded.Json(CatalogSync.HeldUpdateBody(["r_000"], held: false, "node-a")));
    }

    [Fact]
    public void The_Index_Template_Is_Strict_Icu_Free_And_Versioned_Behind_The_Alias()
    {
        Recorded.AssertGolden("index-template.json", Recorded.Json(CatalogIndex.TemplateBody("librarycluster-records")));
        Recorded.AssertGolden("index-create.json", Recorded.Json(CatalogIndex.CreateBody(new ElasticsearchOptions { Url = "http://x", Shards = 3 })));
        Recorded.AssertGolden("index-serving-settings.json", Recorded.Json(CatalogIndex.ServingSettings(new ElasticsearchOptions { Url = "http://x", Replicas = 2 })));
        Assert.Equal("librarycluster-records-20250102030405", CatalogIndex.VersionedName("librarycluster-records", new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero)));
        var template = System.Text.Encoding.UTF8.GetString(CatalogIndex.TemplateBody("a"));
        Assert.DoesNotContain("icu", template, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"dynamic\": \"strict\"", template, StringComparison.Ordinal);
    }
}
