using System.Text;
using LibraryCluster.Catalog;
using LibraryCluster.Search.Tests.Elasticsearch;

namespace LibraryCluster.Search.Tests;

/// <summary>
/// The search API's behaviour, the same for every backend: each backend's test class derives from this one
/// with the shared sample catalogue loaded into it (SQLite FTS5 always; Elasticsearch when ELASTICSEARCH_URL is set).
/// </summary>
public abstract class CatalogSearchBehaviour(SearchCatalogFixture fixture)
{
    protected abstract ICatalogSearch Search { get; }

    private Task<SearchResults> SearchAsync(string text, Func<SearchQuery, SearchQuery>? tweak = null) =>
        Search.SearchAsync((tweak ?? (q => q))(new SearchQuery { Text = text, Limit = SearchQuery.MaxLimit, IncludeHidden = true }));

    private static string RarestWord(string title) => title.Split([' ', '\t', '\n', '\r', '\'', '"', '\\', ':', '\0', '\u001a', '<', '>', '/'], StringSplitOptions.RemoveEmptyEntries)
        .Where(w => w.Length >= 4 && w.All(char.IsLetterOrDigit)).OrderByDescending(w => w.Length).FirstOrDefault() ?? string.Empty;

    [BackendFact]
    public async Task Every_Record_Is_Found_By_A_Word_Of_Its_Title()
    {
        foreach (var record in fixture.Manifest.Records)
        {
            var word = RarestWord(record.Title);
            if (word.Length == 0)
            {
                continue;
            }

            var results = await SearchAsync(word + " ");
            Assert.True(
                results.Hits.Any(h => h.Record.Collection == record.Collection && h.Record.Id == record.Id),
                $"{record.Collection} {record.Id} not found by \"{word}\" ({results.Total} results)");
        }
    }

    [BackendFact]
    public async Task Every_Record_Is_Found_By_Md5_Isbn_In_Either_Form_And_Doi()
    {
        foreach (var record in fixture.Manifest.Records)
        {
            var byMd5 = await SearchAsync(record.Md5.ToUpperInvariant());
            Assert.Equal(SearchMode.Md5, byMd5.Mode);
            Assert.Contains(byMd5.Hits, h => h.Record.Id == record.Id && h.Record.Collection == record.Collection);

            if (record.Isbn13 is not null)
            {
                foreach (var form in new[] { record.Isbn13, record.Isbn13.Replace("-", string.Empty, StringComparison.Ordinal), record.Isbn10!, record.Isbn10!.Replace("-", string.Empty, StringComparison.Ordinal) })
                {
                    var byIsbn = await SearchAsync(form);
                    Assert.Equal(SearchMode.Isbn, byIsbn.Mode);
                    Assert.Contains(byIsbn.Hits, h => h.Record.Id == record.Id && h.Record.Collection == record.Collection);
                }
            }

            if (record.Doi is not null)
            {
                var byDoi = await SearchAsync(record.Doi.ToUpperInvariant());
                Assert.Equal(SearchMode.Doi, byDoi.Mode);
                Assert.Equal(record.Id, Assert.Single(byDoi.Hits).Record.Id);
            }
        }
    }

    [BackendFact]
    public async Task Folds_Diacritics_And_Matches_The_Last_Word_As_A_Prefix()
    {
        var withAccent = await SearchAsync("études ");
        var without = await SearchAsync("etudes ");
        Assert.NotEmpty(withAccent.Hits);
        Assert.Equal(withAccent.Hits.Select(h => h.Record.Id), without.Hits.Select(h => h.Record.Id));

        var prefix = await SearchAsync("etud");
        Assert.Equal(without.Total, prefix.Total);
        Assert.Empty((await SearchAsync("etud ")).Hits);
    }

    [BackendFact]
    public async Task Phrases_Match_Words_In_Order_Only()
    {
        var record = fixture.Manifest.Records.First(r => r.Title.Split(' ').Length >= 3 && r.Collection == Collection.Scitech);
        var words = record.Title.Split(' ');
        var phrase = await SearchAsync($"\"{words[0]} {words[1]}\"");
        Assert.Contains(phrase.Hits, h => h.Record.Id == record.Id);
        var reversed = await SearchAsync($"\"{words[1]} {words[0]}\"");
        Assert.DoesNotContain(reversed.Hits, h => h.Record.Id == record.Id && h.Record.Collection == record.Collection);
    }

    [BackendFact]
    public async Task Filters_Narrow_And_Facets_Keep_The_Other_Values_Of_A_Selected_Facet()
    {
        var all = await SearchAsync(string.Empty);
        Assert.Equal(SearchMode.Browse, all.Mode);
        var english = await SearchAsync(string.Empty, q => q with { Language = "english" });
        Assert.All(english.Hits, h => Assert.Equal("English", h.Record.Language));
        Assert.True(english.Total < all.Total);
        Assert.Equal(all.Facets[Facets.Language], english.Facets[Facets.Language]);
        Assert.Equal(english.Total, english.Facets[Facets.Collection].Sum(f => f.Count));

        var fiction = await SearchAsync(string.Empty, q => q with { Collection = Collection.Fiction, Extension = "EPUB", YearFrom = 1950, YearTo = 2000 });
        Assert.NotEmpty(fiction.Hits);
        Assert.All(fiction.Hits, h => Assert.True(h.Record.Collection == Collection.Fiction && h.Record.Extension == "epub" && h.Record.YearNumber is >= 1950 and <= 2000));
        Assert.Equal(fiction.Total, fiction.Facets[Facets.Year].Where(y => int.Parse(y.Value, System.Globalization.CultureInfo.InvariantCulture) is >= 1950 and <= 2000).Sum(y => y.Count));
    }

    [BackendFact]
    public async Task Sorts_And_Pages()
    {
        var byYear = await SearchAsync(string.Empty, q => q with { Sort = SearchSort.YearNewest, Collection = Collection.Scitech });
        var years = byYear.Hits.Select(h => h.Record.YearNumber ?? int.MinValue).ToList();
        Assert.Equal(years.OrderByDescending(y => y), years);

        var bySize = await SearchAsync(string.Empty, q => q with { Sort = SearchSort.SizeSmallest });
        Assert.Equal(bySize.Hits.Select(h => h.Record.Filesize).Order(), bySize.Hits.Select(h => h.Record.Filesize));

        var first = await SearchAsync(string.Empty, q => q with { Limit = 10, Sort = SearchSort.AddedNewest });
        var second = await SearchAsync(string.Empty, q => q with { Limit = 10, Offset = 10, Sort = SearchSort.AddedNewest });
        Assert.Equal(10, first.Hits.Count);
        Assert.Empty(first.Hits.Select(h => (h.Record.Collection, h.Record.Id)).Intersect(second.Hits.Select(h => (h.Record.Collection, h.Record.Id))));
        Assert.Equal(first.Total, second.Total);
    }

    [BackendFact]
    public async Task Hidden_Records_Show_Only_When_Asked()
    {
        var hidden = fixture.Manifest.Records.First(r => r.Visible.Length > 0);
        var shown = await Search.SearchAsync(new SearchQuery { Text = hidden.Md5 });
        Assert.Empty(shown.Hits);
        var asked = await Search.SearchAsync(new SearchQuery { Text = hidden.Md5, IncludeHidden = true });
        Assert.Equal(hidden.Visible, Assert.Single(asked.Hits).Record.Visible);
    }

    [BackendFact]
    public async Task Held_Filter_Shows_What_This_Mirror_Holds()
    {
        var held = await SearchAsync(string.Empty, q => q with { HeldOnly = true });
        Assert.NotEmpty(held.Hits);
        Assert.All(held.Hits, h => Assert.True(h.Held && h.Record.Torrent == "f_0"));
        Assert.Contains((await SearchAsync(string.Empty)).Hits, h => !h.Held);
    }

    [BackendTheory]
    [InlineData("\"")]
    [InlineData("((((")]
    [InlineData("*")]
    [InlineData("a* OR b* NOT c*")]
    [InlineData("title:x AND author:y")]
    [InlineData("NEAR(\"a\" \"b\", 3)")]
    [InlineData("'; DROP TABLE records; --")]
    [InlineData("\u0000\u001a\\")]
    [InlineData("10.")]
    [InlineData("978-")]
    public async Task Hostile_Queries_Return_Results_Or_Nothing_Never_An_Error(string text)
    {
        var results = await SearchAsync(text);
        Assert.NotNull(results.Hits);
    }

    [BackendFact]
    public async Task A_Ten_Kilobyte_Query_Is_Answered()
    {
        var text = new StringBuilder().Insert(0, "quantum ( \" * ", 800).ToString();
        Assert.True(text.Length > 10_000);
        Assert.NotNull((await SearchAsync(text)).Hits);
    }
}
