using System.Text;
using LibraryCluster.Catalog;
using LibraryCluster.Catalog.Import;
using LibraryCluster.Catalog.Store;
using LibraryCluster.Catalog.Torrents;
using LibraryCluster.Samples;
using LibraryCluster.Search.Sqlite;
using LibraryCluster.Testing;

namespace LibraryCluster.Search.Tests;

/// <summary>One sample catalogue, imported once, searched by every test.</summary>
public sealed class SearchCatalogFixture : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();

    public SampleManifest Manifest { get; private set; } = null!;

    public string Database => _temp.Join("catalog.db");

    public TempDirectory Temp => _temp;

    public async Task InitializeAsync()
    {
        Manifest = await SampleGenerator.CreateAsync(new SampleOptions
        {
            OutputDirectory = _temp.Join("sample"),
            Books = 150,
            Fiction = 60,
            Scimag = 80,
            IdGap = 30,
            Seed = 11,
            PieceLength = 16_384,
        });
        using var store = CatalogStore.Open(Database);
        SqliteSearchIndex.Install(store);
        await SampleCatalog.ImportAsync(store, _temp.Join("sample"));

        foreach (var torrent in Manifest.Torrents.Where(t => t.Name == "f_0"))
        {
            TorrentRegistration.Register(store, torrent.Name, Torrents.Metainfo.MetainfoParser.Load(_temp.Join("sample", "torrents", torrent.Name + ".torrent")));
            TorrentRegistration.SetHeld(store, torrent.Name, held: true);
        }
    }

    public Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class SqliteCatalogSearchTests(SearchCatalogFixture fixture) : IClassFixture<SearchCatalogFixture>, IDisposable
{
    private readonly SqliteCatalogSearch _search = new(fixture.Database);

    public void Dispose() => _search.Dispose();

    private Task<SearchResults> SearchAsync(string text, Func<SearchQuery, SearchQuery>? tweak = null) =>
        _search.SearchAsync((tweak ?? (q => q))(new SearchQuery { Text = text, Limit = SearchQuery.MaxLimit, IncludeHidden = true }));

    private static string RarestWord(string title) => title.Split([' ', '\t', '\n', '\r', '\'', '"', '\\', ':', '\0', '\u001a', '<', '>', '/'], StringSplitOptions.RemoveEmptyEntries)
        .Where(w => w.Length >= 4 && w.All(char.IsLetterOrDigit)).OrderByDescending(w => w.Length).FirstOrDefault() ?? string.Empty;

    [Fact]
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

    [Fact]
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

    [Fact]
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

    [Fact]
    public async Task Phrases_Match_Words_In_Order_Only()
    {
        var record = fixture.Manifest.Records.First(r => r.Title.Split(' ').Length >= 3 && r.Collection == Collection.Scitech);
        var words = record.Title.Split(' ');
        var phrase = await SearchAsync($"\"{words[0]} {words[1]}\"");
        Assert.Contains(phrase.Hits, h => h.Record.Id == record.Id);
        var reversed = await SearchAsync($"\"{words[1]} {words[0]}\"");
        Assert.DoesNotContain(reversed.Hits, h => h.Record.Id == record.Id && h.Record.Collection == record.Collection);
    }

    [Fact]
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

    [Fact]
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

    [Fact]
    public async Task Hidden_Records_Show_Only_When_Asked()
    {
        var hidden = fixture.Manifest.Records.First(r => r.Visible.Length > 0);
        var shown = await _search.SearchAsync(new SearchQuery { Text = hidden.Md5 });
        Assert.Empty(shown.Hits);
        var asked = await _search.SearchAsync(new SearchQuery { Text = hidden.Md5, IncludeHidden = true });
        Assert.Equal(hidden.Visible, Assert.Single(asked.Hits).Record.Visible);
    }

    [Fact]
    public async Task Held_Filter_Shows_What_This_Mirror_Holds()
    {
        var held = await SearchAsync(string.Empty, q => q with { HeldOnly = true });
        Assert.NotEmpty(held.Hits);
        Assert.All(held.Hits, h => Assert.True(h.Held && h.Record.Torrent == "f_0"));
        Assert.Contains((await SearchAsync(string.Empty)).Hits, h => !h.Held);
    }

    [Theory]
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

    [Fact]
    public async Task A_Ten_Kilobyte_Query_Is_Answered()
    {
        var text = new StringBuilder().Insert(0, "quantum ( \" * ", 800).ToString();
        Assert.True(text.Length > 10_000);
        Assert.NotNull((await SearchAsync(text)).Hits);
    }
}

public sealed class SearchIndexSyncTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_Index_Follows_Updated_Titles_In_The_Same_Import()
    {
        const string schema = "CREATE TABLE `updated` (\n  `ID` int,\n  `Title` varchar(200),\n  `MD5` char(32),\n  `TimeLastModified` timestamp\n);\n";
        var first = _temp.Write("v1.sql", Encoding.UTF8.GetBytes(schema + "INSERT INTO `updated` VALUES (1,'Zyxwvut original','0123456789abcdef0123456789abcdef','2020-01-01 00:00:00');\n"));
        var second = _temp.Write("v2.sql", Encoding.UTF8.GetBytes(schema + "INSERT INTO `updated` VALUES (1,'Qponmlk renamed','0123456789abcdef0123456789abcdef','2021-01-01 00:00:00');\n"));
        using (var store = CatalogStore.Open(_temp.Join("c.db")))
        {
            SqliteSearchIndex.Install(store);
            await CatalogImporter.ImportAsync(store, first);
            await CatalogImporter.ImportAsync(store, second);
        }

        using var search = new SqliteCatalogSearch(_temp.Join("c.db"));
        Assert.Empty((await search.SearchAsync(new SearchQuery { Text = "zyxwvut " })).Hits);
        Assert.Single((await search.SearchAsync(new SearchQuery { Text = "qponmlk " })).Hits);
    }

    [Fact]
    public void A_Catalogue_Without_A_Search_Index_Gets_A_Clear_Error()
    {
        using (CatalogStore.Open(_temp.Join("bare.db")))
        {
        }

        var error = Assert.Throws<CatalogException>(() => new SqliteCatalogSearch(_temp.Join("bare.db")));
        Assert.Contains("has no search index", error.Message, StringComparison.Ordinal);
        Assert.Contains("no catalogue here", Assert.Throws<CatalogException>(() => new SqliteCatalogSearch(_temp.Join("absent.db"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Installing_The_Index_On_An_Existing_Catalogue_Indexes_What_Is_There()
    {
        const string dump = "CREATE TABLE `updated` (\n  `ID` int,\n  `Title` varchar(200)\n);\nINSERT INTO `updated` VALUES (1,'Plainly indexed later');\n";
        var path = _temp.Write("d.sql", Encoding.UTF8.GetBytes(dump));
        using (var store = CatalogStore.Open(_temp.Join("c.db")))
        {
            await CatalogImporter.ImportAsync(store, path);
            SqliteSearchIndex.Install(store);
        }

        using var search = new SqliteCatalogSearch(_temp.Join("c.db"));
        Assert.Single((await search.SearchAsync(new SearchQuery { Text = "plainly" })).Hits);
    }
}
