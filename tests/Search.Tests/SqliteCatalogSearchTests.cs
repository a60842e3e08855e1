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
public class SearchCatalogFixture : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();

    public SampleManifest Manifest { get; private set; } = null!;

    public string Database => _temp.Join("catalog.db");

    public TempDirectory Temp => _temp;

    public virtual async Task InitializeAsync()
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

    public virtual Task DisposeAsync()
    {
        _temp.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The behavioural suite against the SQLite FTS5 backend.</summary>
public sealed class SqliteCatalogSearchTests(SearchCatalogFixture fixture) : CatalogSearchBehaviour(fixture), IClassFixture<SearchCatalogFixture>, IDisposable
{
    private readonly SqliteCatalogSearch _search = new(fixture.Database);

    protected override ICatalogSearch Search => _search;

    public void Dispose() => _search.Dispose();
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
