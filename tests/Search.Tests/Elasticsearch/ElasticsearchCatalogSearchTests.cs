using LibraryCluster.Catalog.Store;
using LibraryCluster.Catalog.Torrents;
using LibraryCluster.Search.Elasticsearch;

namespace LibraryCluster.Search.Tests.Elasticsearch;

/// <summary>Where a real Elasticsearch is, for the tests that need one: ELASTICSEARCH_URL and, if it asks, credentials and CA.</summary>
public static class RealElasticsearch
{
    public const string Variable = "ELASTICSEARCH_URL";

    public const string Why = "these tests need a real Elasticsearch 8; see docs/search.md, e.g. ELASTICSEARCH_URL=http://127.0.0.1:9200 scripts/test.sh --filter Category=Elasticsearch";

    /// <summary>Options for a test's own alias (its indices and template are removed afterwards).</summary>
    public static ElasticsearchOptions Options(string alias) => new()
    {
        Url = Environment.GetEnvironmentVariable(Variable) ?? string.Empty,
        ApiKey = Environment.GetEnvironmentVariable("ELASTICSEARCH_API_KEY"),
        Username = Environment.GetEnvironmentVariable("ELASTICSEARCH_USERNAME"),
        Password = Environment.GetEnvironmentVariable("ELASTICSEARCH_PASSWORD"),
        CaFile = Environment.GetEnvironmentVariable("ELASTICSEARCH_CA_FILE"),
        Alias = alias,
        Replicas = 0,
    };

    public static string NewAlias() => $"lc-test-{Guid.NewGuid():N}"[..24];

    /// <summary>Removes every index of an alias and its template (wildcard deletes are refused by default in 8.x, so one by one).</summary>
    public static async Task CleanUpAsync(ElasticsearchClient client)
    {
        foreach (var index in await client.ListIndicesAsync(CatalogIndex.Pattern(client.Options.Alias)))
        {
            await client.DeleteIndexAsync(index.Index);
        }
    }
}

/// <summary>The shared sample catalogue, also indexed into a real Elasticsearch under an alias of its own (when there is one).</summary>
public sealed class ElasticsearchCatalogFixture : SearchCatalogFixture
{
    public ElasticsearchClient? Client { get; private set; }

    public ElasticsearchCatalogSearch Search { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(RealElasticsearch.Variable)))
        {
            return;
        }

        await base.InitializeAsync();
        Client = new ElasticsearchClient(RealElasticsearch.Options(RealElasticsearch.NewAlias()));
        using var store = CatalogStore.Open(Database);
        await new CatalogSync(Client).RebuildAsync(store, refresh: Refresh.True);
        Search = new ElasticsearchCatalogSearch(Client);
    }

    public override async Task DisposeAsync()
    {
        if (Client is not null)
        {
            await RealElasticsearch.CleanUpAsync(Client);
            Client.Dispose();
            await base.DisposeAsync();
        }
    }
}

/// <summary>The behavioural suite the SQLite backend passes, against a real Elasticsearch; reported skipped, with the reason, without one.</summary>
[Trait("Category", "Elasticsearch")]
[SkipUnlessEnvironment(RealElasticsearch.Variable, RealElasticsearch.Why)]
public sealed class ElasticsearchCatalogSearchTests(ElasticsearchCatalogFixture fixture) : CatalogSearchBehaviour(fixture), IClassFixture<ElasticsearchCatalogFixture>
{
    protected override ICatalogSearch Search => fixture.Search;
}

/// <summary>Keeping a real index in step: incremental pushes, held flags by partial update, a rebuild that swaps the alias.</summary>
[Trait("Category", "Elasticsearch")]
[SkipUnlessEnvironment(RealElasticsearch.Variable, RealElasticsearch.Why)]
public sealed class ElasticsearchSyncTests(SearchCatalogFixture fixture) : IClassFixture<SearchCatalogFixture>, IAsyncLifetime
{
    private ElasticsearchClient _client = null!;
    private string _database = null!;

    public async Task InitializeAsync()
    {
        _client = new ElasticsearchClient(RealElasticsearch.Options(RealElasticsearch.NewAlias()));
        _database = fixture.Temp.Join($"sync-{Guid.NewGuid():N}.db");
        File.Copy(fixture.Database, _database);
        await Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await RealElasticsearch.CleanUpAsync(_client);
        _client.Dispose();
    }

    [BackendFact]
    public async Task A_Rebuild_Swaps_The_Alias_To_A_New_Index_And_Deletes_The_Old_One()
    {
        using var store = CatalogStore.Open(_database);
        var sync = new CatalogSync(_client, new ManualClock(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        var first = await sync.RebuildAsync(store, refresh: Refresh.True);
        var second = await new CatalogSync(_client, new ManualClock(new DateTimeOffset(2025, 1, 2, 0, 0, 0, TimeSpan.Zero))).RebuildAsync(store, refresh: Refresh.True);
        Assert.Equal([first.Index], second.Previous);
        Assert.Equal([first.Index], second.Deleted);
        Assert.Equal([second.Index], await _client.GetAliasAsync(_client.Options.Alias));
        Assert.Equal(store.CountRecords(), await _client.CountAsync(_client.Options.Alias));
    }

    [BackendFact]
    public async Task Imported_Changes_And_Held_Flags_Reach_The_Index_Without_A_Rebuild()
    {
        using var store = CatalogStore.Open(_database);
        var sync = new CatalogSync(_client);
        await sync.RebuildAsync(store, refresh: Refresh.True);
        var search = new ElasticsearchCatalogSearch(_client);
        var record = fixture.Manifest.Records.First(r => r.Collection == Catalog.Collection.Scitech);
        var torrent = store.FindByMd5(record.Md5).First().Torrent!;

        using (var writer = store.BeginWrite())
        {
            writer.Upsert(store.FindByMd5(record.Md5).First() with { Title = "Zyxwvut renamed", TimeLastModified = DateTime.UtcNow });
            writer.Commit();
        }

        TorrentRegistration.Register(store, torrent, Torrents.Metainfo.MetainfoParser.Load(fixture.Temp.Join("sample", "torrents", torrent + ".torrent")));
        TorrentRegistration.SetHeld(store, torrent, held: true);
        var pushed = await sync.PushChangesAsync(store, Refresh.True);
        Assert.True(pushed.Indexed >= 1);
        Assert.Equal(1, pushed.HeldTorrents);
        Assert.Single((await search.SearchAsync(new SearchQuery { Text = "zyxwvut " })).Hits);
        var held = await search.SearchAsync(new SearchQuery { HeldOnly = true, IncludeHidden = true, Limit = 500 });
        Assert.Contains(held.Hits, h => h.Record.Torrent == torrent);

        TorrentRegistration.SetHeld(store, torrent, held: false);
        Assert.Equal(1, (await sync.PushChangesAsync(store, Refresh.True)).NotHeldTorrents);
        Assert.DoesNotContain((await search.SearchAsync(new SearchQuery { HeldOnly = true, IncludeHidden = true, Limit = 500 })).Hits, h => h.Record.Torrent == torrent);
        Assert.Equal((0L, 0L), CatalogOutbox.Pending(store));
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
