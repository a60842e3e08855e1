using System.Text;
using System.Text.Json;
using LibraryCluster.Catalog.Import;
using LibraryCluster.Catalog.Records;
using LibraryCluster.Catalog.Store;
using LibraryCluster.Samples;
using LibraryCluster.Testing;

namespace LibraryCluster.Catalog.Tests.Store;

/// <summary>
/// What every catalogue store must do, run once per backend (SQLite, PostgreSQL): the same import gives
/// the same rows as the SQLite reference, re-imports write nothing, newer rows win, lookups ignore case
/// and list visible records first, concurrent opens migrate once, and a killed import completes on re-run.
/// </summary>
public abstract class CatalogStoreContract : IAsyncLifetime
{
    protected TempDirectory Temp { get; } = new();

    /// <summary>Opens the store under test; every call within one test opens the same (initially empty) catalogue.</summary>
    protected abstract ICatalogStore Open();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync()
    {
        Temp.Dispose();
        return Task.CompletedTask;
    }

    protected Task<SampleManifest> SampleAsync() => SmallSample.CreateAsync(Temp.Join("sample"));

    protected async Task<List<ImportReport>> ImportSampleAsync(ICatalogStore store, ImportOptions? options = null) =>
        [.. await SampleCatalog.ImportAsync(store, Temp.Join("sample"), options)];

    /// <summary>Everything a store hands back about a sample: its counts and every record, description and topic, as JSON.</summary>
    protected static string Snapshot(ICatalogStore store, SampleManifest manifest)
    {
        var records = manifest.Records.Select(r => store.Get(r.Collection, r.Id)).ToList();
        var descriptions = records.Where(r => r?.Md5 is not null).Select(r => store.GetDescription(r!.Collection, r.Md5!)).Select(d => d?.Description + "|" + d?.Toc).ToList();
        var topics = records.Select(r => store.GetTopic(r?.Topic)).ToList();
        return JsonSerializer.Serialize(new { Counts = store.Counts(), records, descriptions, topics });
    }

    /// <summary>
    /// What this store should hand back where the SQLite reference handed back <paramref name="sqliteSnapshot"/>:
    /// the same, except where a backend documents a difference.
    /// </summary>
    protected virtual string AsStoredHere(string sqliteSnapshot) => sqliteSnapshot;

    private string WriteDump(string name, string inserts) => Temp.Write(name, Encoding.UTF8.GetBytes(inserts));

    [Fact]
    public async Task Importing_The_Sample_Gives_Every_Record_And_The_Same_Rows_As_The_Sqlite_Reference()
    {
        var manifest = await SampleAsync();
        using var reference = CatalogStore.Open(Temp.Join("reference.db"));
        await ImportSampleAsync(reference);
        using var store = Open();

        var reports = await ImportSampleAsync(store);

        Assert.Equal(manifest.Records.Count, store.CountRecords());
        Assert.Equal(reference.Counts(), store.Counts());
        Assert.Equal(AsStoredHere(Snapshot(reference, manifest)), Snapshot(store, manifest));
        foreach (var expected in manifest.Records)
        {
            var found = store.FindByMd5OrDoi(expected.Doi ?? expected.Md5).Single(r => r.Collection == expected.Collection);
            Assert.Equal((expected.Id, expected.Md5, expected.Torrent, expected.PathInTorrent, expected.ZipEntry, expected.Visible), (found.Id, found.Md5, found.Torrent, found.PathInTorrent, found.ZipEntry, found.Visible));
        }

        var libgen = reports[0].Tables.ToDictionary(t => t.Table);
        Assert.Equal((60L, 0L, 0L), (libgen["updated"].Inserted, libgen["updated"].Updated, libgen["updated"].Unchanged));
        Assert.Equal(60, libgen["hashes"].Inserted);
        Assert.All(reports.SelectMany(r => r.Tables), t => Assert.Equal(t.Rows, t.Inserted + t.Bad));
    }

    [Fact]
    public async Task Reimporting_Unchanged_Dumps_Writes_Nothing()
    {
        var manifest = await SampleAsync();
        using var store = Open();
        await ImportSampleAsync(store);
        var before = Snapshot(store, manifest);

        var again = await ImportSampleAsync(store);

        Assert.All(again.SelectMany(r => r.Tables), t => Assert.Equal((0L, 0L, t.Rows - t.Bad), (t.Inserted, t.Updated, t.Unchanged)));
        Assert.Equal(before, Snapshot(store, manifest));
    }

    [Fact]
    public async Task A_Newer_Dump_Updates_Changed_Rows_And_Leaves_Older_Ones()
    {
        var first = WriteDump("v1.sql", """
            INSERT INTO `updated` (`ID`,`Title`,`Identifier`,`MD5`,`TimeLastModified`) VALUES (1,'Old title','0-07-136362-9,9780131103627','0123456789abcdef0123456789abcdef','2020-01-01 00:00:00'),(2,'Stays','','11111111111111111111111111111111','2020-01-01 00:00:00');
            INSERT INTO `description` (`md5`,`descr`,`toc`,`TimeLastModified`) VALUES ('0123456789abcdef0123456789abcdef','Old text','','2020-01-01 00:00:00');
            INSERT INTO `hashes` (`md5`,`crc32`,`edonkey`,`aich`,`sha1`,`tth`,`btih`,`sha256`,`ipfs_cid`) VALUES ('0123456789abcdef0123456789abcdef','c1','e','a','s','t','B','h','i');
            INSERT INTO `topics` (`topic_id`,`lang`,`topic_descr`,`topic_id_hl`) VALUES (5,'en','Physics',NULL);

            """);
        var second = WriteDump("v2.sql", """
            INSERT INTO `updated` (`ID`,`Title`,`Identifier`,`MD5`,`TimeLastModified`) VALUES (1,'New title','080442957X','0123456789ABCDEF0123456789ABCDEF','2021-06-01 00:00:00'),(2,'Older copy','','11111111111111111111111111111111','2019-01-01 00:00:00'),(3,'Added','','22222222222222222222222222222222','2021-06-01 00:00:00');
            INSERT INTO `description` (`md5`,`descr`,`toc`,`TimeLastModified`) VALUES ('0123456789abcdef0123456789abcdef','New text','Contents','2021-06-01 00:00:00');
            INSERT INTO `hashes` (`md5`,`crc32`,`edonkey`,`aich`,`sha1`,`tth`,`btih`,`sha256`,`ipfs_cid`) VALUES ('0123456789abcdef0123456789abcdef','c2','e','a','s','t','B','h','i');
            INSERT INTO `topics` (`topic_id`,`lang`,`topic_descr`,`topic_id_hl`) VALUES (5,'en','Physics',1);

            """);
        using var store = Open();
        await CatalogImporter.ImportAsync(store, first);
        Assert.Equal(new CatalogCounts(2, 2, 1, 1, 1), store.Counts());

        var report = (await CatalogImporter.ImportAsync(store, second)).Tables.ToDictionary(t => t.Table);

        Assert.Equal((1L, 1L, 1L), (report["updated"].Inserted, report["updated"].Updated, report["updated"].Unchanged));
        Assert.Equal(1, report["description"].Inserted);
        Assert.Equal(1, report["hashes"].Inserted);
        Assert.Equal(1, report["topics"].Inserted);
        var updated = store.Get(Collection.Scitech, 1)!;
        Assert.Equal("New title", updated.Title);
        Assert.Equal(["9780804429573"], updated.Isbns);
        Assert.Equal(new DateTime(2021, 6, 1, 0, 0, 0, DateTimeKind.Utc), updated.TimeLastModified);
        Assert.Equal("Stays", store.Get(Collection.Scitech, 2)!.Title);
        Assert.Equal("r_000", store.Get(Collection.Scitech, 3)!.Torrent);
        Assert.Equal(("New text", "Contents"), store.GetDescription(Collection.Scitech, "0123456789abcdef0123456789abcdef"));
        Assert.Equal(new CatalogCounts(3, 1, 1, 1, 1), store.Counts());
    }

    [Fact]
    public async Task Md5_And_Doi_Lookups_Ignore_Case_And_List_Visible_Records_First()
    {
        const string md5 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        var dump = WriteDump("lookups.sql", $"""
            INSERT INTO `updated` (`ID`,`Title`,`MD5`,`Visible`) VALUES (1,'Hidden copy','{md5.ToUpperInvariant()}','del'),(2,'Visible copy','{md5}','');
            INSERT INTO `fiction` (`ID`,`Title`,`MD5`,`Visible`,`Extension`) VALUES (1,'Fiction copy','{md5}','','EPUB');
            INSERT INTO `scimag` (`ID`,`DOI`,`Title`,`MD5`,`visible`) VALUES (7,'10.1000/ABC.def','Withdrawn','bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb','no'),(9,'10.1000/abc.DEF','Article','cccccccccccccccccccccccccccccccc','');

            """);
        using var store = Open();
        await CatalogImporter.ImportAsync(store, dump);

        Assert.Equal(
            [(Collection.Scitech, 2L), (Collection.Fiction, 1L), (Collection.Scitech, 1L)],
            store.FindByMd5($"  {md5.ToUpperInvariant()} ").Select(r => (r.Collection, r.Id)));
        Assert.Equal([9L, 7L], store.FindByDoi("10.1000/ABC.DEF").Select(r => r.Id));
        Assert.Equal([7L, 9L], store.FindByMd5OrDoi("10.1000/abc.def").Select(r => r.Id));
        Assert.Equal(3, store.FindByMd5OrDoi(md5).Count);
        Assert.Equal("10.1000/abc.def", store.Get(Collection.Scimag, 9)!.Doi);
        Assert.Equal("epub", store.Get(Collection.Fiction, 1)!.Extension);
        Assert.Empty(store.FindByMd5("dddddddddddddddddddddddddddddddd"));
        Assert.Empty(store.FindByDoi("10.1000/none"));
        Assert.Null(store.Get(Collection.Fiction, 2));
    }

    [Fact]
    public async Task Descriptions_And_Topics_Come_Back_As_Written()
    {
        var dump = WriteDump("side.sql", """
            INSERT INTO `updated` (`ID`,`Title`,`MD5`,`Topic`,`TimeAdded`) VALUES (1,'Mechanics','eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee','12','2019-03-04 05:06:07');
            INSERT INTO `description` (`md5`,`descr`,`toc`) VALUES ('EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE','A book about \'forces\'.\nTwo lines, ünïcödé.','1. Motion');
            INSERT INTO `fiction_description` (`MD5`,`Descr`) VALUES ('ffffffffffffffffffffffffffffffff','A novel');
            INSERT INTO `topics` (`topic_id`,`lang`,`topic_descr`,`topic_id_hl`) VALUES (12,'ru','Механика',3),(12,'en','Mechanics',3),(13,'ru','Оптика',3);

            """);
        using var store = Open();
        await CatalogImporter.ImportAsync(store, dump);

        var record = store.Get(Collection.Scitech, 1)!;
        Assert.Equal(new DateTime(2019, 3, 4, 5, 6, 7, DateTimeKind.Utc), record.TimeAdded);
        Assert.Equal(("A book about 'forces'.\nTwo lines, ünïcödé.", "1. Motion"), store.GetDescription(Collection.Scitech, record.Md5!));
        Assert.Equal(("A novel", ""), store.GetDescription(Collection.Fiction, "ffffffffffffffffffffffffffffffff"));
        Assert.Null(store.GetDescription(Collection.Fiction, record.Md5!));
        Assert.Equal("Mechanics", store.GetTopic(record.Topic));
        Assert.Equal("Оптика", store.GetTopic("13"));
        Assert.Null(store.GetTopic("14"));
        Assert.Null(store.GetTopic("not a number"));
        Assert.Null(store.GetTopic(null));
        Assert.Equal(new CatalogCounts(1, 0, 2, 0, 3), store.Counts());
    }

    [Fact]
    public async Task Stores_Opened_At_Once_On_A_New_Catalogue_All_Migrate()
    {
        using var start = new Barrier(6);
        var opening = Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait(TimeSpan.FromSeconds(30));
            return Open();
        })).ToList();

        var stores = await Task.WhenAll(opening);
        try
        {
            Assert.All(stores, s => Assert.Equal(new CatalogCounts(0, 0, 0, 0, 0), s.Counts()));
            using (var writer = stores[0].BeginWrite())
            {
                Assert.Equal(RecordChange.Inserted, writer.Upsert(new CatalogRecord { Collection = Collection.Fiction, Id = 5, Title = "Seen by all" }));
                writer.Commit();
            }

            Assert.All(stores, s => Assert.Equal("Seen by all", s.Get(Collection.Fiction, 5)?.Title));
        }
        finally
        {
            foreach (var store in stores)
            {
                store.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_Killed_Import_Completes_When_Run_Again()
    {
        var manifest = await SampleAsync();
        using var reference = CatalogStore.Open(Temp.Join("reference.db"));
        await ImportSampleAsync(reference);
        var options = new ImportOptions { BatchRows = 20 };

        // Killed on the 150th write (the libgen dump has about 200 rows): its first batches are committed, the open one is not.
        using (var store = Open())
        {
            var killed = new KilledStore(store, writes: 150);
            var error = await Assert.ThrowsAsync<IOException>(() => ImportSampleAsync(killed, options));
            Assert.Equal("killed", error.Message);
            Assert.InRange(store.Counts().Records, 1, manifest.Records.Count - 1);
        }

        using var reopened = Open();
        var reports = await ImportSampleAsync(reopened, options);

        Assert.Equal(AsStoredHere(Snapshot(reference, manifest)), Snapshot(reopened, manifest));
        var updated = reports[0].Tables.Single(t => t.Table == "updated");
        Assert.True(updated.Unchanged > 0 && updated.Inserted > 0, $"{updated.Inserted} inserted, {updated.Unchanged} unchanged");
    }

    [Fact]
    public async Task A_Store_That_Fails_Mid_Import_Ends_The_Import_With_Its_Error()
    {
        // Enough rows to fill the channel between reader and writer, so the reader is blocked when the writer fails.
        var rows = string.Join(',', Enumerable.Range(1, 40_000).Select(i => $"({i},'Book {i}','{i:x32}')"));
        var dump = WriteDump("big.sql", $"INSERT INTO `updated` (`ID`,`Title`,`MD5`) VALUES {rows};\n");
        using var store = Open();

        var import = CatalogImporter.ImportAsync(new KilledStore(store, writes: 10), dump);

        Assert.Same(import, await Task.WhenAny(import, Task.Delay(TimeSpan.FromSeconds(60))));
        Assert.Equal("killed", (await Assert.ThrowsAsync<IOException>(() => import)).Message);
        Assert.Equal(0, store.CountRecords());
    }

    /// <summary>A store whose writes fail after a number of them, as if the process died there: the open transaction is never committed.</summary>
    private sealed class KilledStore(ICatalogStore inner, int writes) : ICatalogStore
    {
        private int _left = writes;

        public string Location => inner.Location;

        public long CountRecords() => inner.CountRecords();

        public CatalogCounts Counts() => inner.Counts();

        public IReadOnlyList<CatalogRecord> FindByMd5OrDoi(string md5OrDoi) => inner.FindByMd5OrDoi(md5OrDoi);

        public IReadOnlyList<CatalogRecord> FindByMd5(string md5) => inner.FindByMd5(md5);

        public IReadOnlyList<CatalogRecord> FindByDoi(string doi) => inner.FindByDoi(doi);

        public CatalogRecord? Get(Collection collection, long id) => inner.Get(collection, id);

        public (string Description, string Toc)? GetDescription(Collection collection, string md5) => inner.GetDescription(collection, md5);

        public string? GetTopic(string? topicId) => inner.GetTopic(topicId);

        public ICatalogWriter BeginWrite() => new Writer(inner.BeginWrite(), this);

        public IDisposable BeginImport() => inner.BeginImport();

        public void Dispose()
        {
        }

        private void Tick()
        {
            if (--_left <= 0)
            {
                throw new IOException("killed");
            }
        }

        private sealed class Writer(ICatalogWriter inner, KilledStore store) : ICatalogWriter
        {
            public RecordChange Upsert(CatalogRecord record)
            {
                store.Tick();
                return inner.Upsert(record);
            }

            public bool UpsertDescription(Collection collection, string md5, string description, string toc, DateTime? modified)
            {
                store.Tick();
                return inner.UpsertDescription(collection, md5, description, toc, modified);
            }

            public bool UpsertHashes(Collection collection, string md5, string crc32, string edonkey, string aich, string sha1, string tth, string btih, string sha256, string ipfsCid)
            {
                store.Tick();
                return inner.UpsertHashes(collection, md5, crc32, edonkey, aich, sha1, tth, btih, sha256, ipfsCid);
            }

            public bool UpsertTopic(long topicId, string lang, string description, long? parent)
            {
                store.Tick();
                return inner.UpsertTopic(topicId, lang, description, parent);
            }

            public void Commit() => inner.Commit();

            public void Dispose() => inner.Dispose();
        }
    }
}
