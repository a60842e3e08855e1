using System.Text;
using LibraryCluster.Catalog.Import;
using LibraryCluster.Catalog.Store;
using LibraryCluster.Catalog.Torrents;
using LibraryCluster.Samples;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Catalog.Tests.Import;

public sealed class CatalogImporterTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private Task<SampleManifest> SampleAsync() => SmallSample.CreateAsync(_temp.Join("sample"));

    private async Task<List<ImportReport>> ImportAllAsync(CatalogStore store) => [.. await SampleCatalog.ImportAsync(store, _temp.Join("sample"))];

    [Fact]
    public async Task Every_Sample_Record_Is_Found_With_Its_Torrent_And_Path()
    {
        var manifest = await SampleAsync();
        using var store = CatalogStore.Open(_temp.Join("catalog.db"));
        var reports = await ImportAllAsync(store);

        Assert.Equal(manifest.Records.Count, store.CountRecords());
        foreach (var expected in manifest.Records)
        {
            var found = store.FindByMd5OrDoi(expected.Doi ?? expected.Md5).Single(r => r.Collection == expected.Collection);
            Assert.Equal(expected.Id, found.Id);
            Assert.Equal(expected.Md5, found.Md5);
            Assert.Equal(expected.Title.Trim(), found.Title);
            Assert.Equal(expected.Torrent, found.Torrent);
            Assert.Equal(expected.PathInTorrent, found.PathInTorrent);
            Assert.Equal(expected.ZipEntry, found.ZipEntry);
            Assert.Equal(expected.Visible, found.Visible);
            if (expected.Isbn13 is not null)
            {
                Assert.Contains(expected.Isbn13.Replace("-", string.Empty, StringComparison.Ordinal), found.Isbns);
            }
        }

        var libgen = reports[0];
        Assert.Equal(2, libgen.InvalidUtf8Sequences);
        Assert.Contains("updated_edited", libgen.SkippedTables.Keys);
        Assert.Contains("publishers", reports[2].SkippedTables.Keys);
        Assert.All(reports, r => Assert.DoesNotContain(r.Issues, i => i.Severity == Catalog.Dumps.DumpIssueSeverity.Error));
        Assert.Equal(60, libgen.Tables.Single(t => t.Table == "updated").Inserted);
        Assert.Equal(60, libgen.Tables.Single(t => t.Table == "hashes").Inserted);
    }

    [Fact]
    public async Task A_Corrupt_Gz_Is_Named_With_The_Line_And_Byte_It_Broke_At_And_The_Intact_Dump_Finishes_The_Import()
    {
        // Good rows, compressed, then cut in the middle of the compressed stream.
        var sql = new StringBuilder();
        for (var i = 1; i <= 40_000; i++)
        {
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"INSERT INTO `updated` (`ID`,`MD5`,`Title`) VALUES ({i},'{i:x32}','Book {i} {Convert.ToHexString(System.Security.Cryptography.SHA1.HashData(BitConverter.GetBytes(i)))}');\n");
        }

        using var compressed = new MemoryStream();
        await using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes(sql.ToString()));
        }

        var bytes = compressed.ToArray();
        bytes[bytes.Length / 2] ^= 0xFF;
        bytes[(bytes.Length / 2) + 1] ^= 0x5A;
        var path = _temp.Write("broken.sql.gz", bytes);
        using var store = CatalogStore.Open(_temp.Join("catalog.db"));

        var error = await Assert.ThrowsAsync<CatalogException>(() => CatalogImporter.ImportAsync(store, path, new ImportOptions { BatchRows = 100 }));

        Assert.Matches(@"^broken\.sql\.gz:\d+ \(byte [\d,]+ of the SQL\): cannot be decompressed \(.+\); what was committed before it stays, and an intact copy finishes the import$", error.Message);
        Assert.True(store.CountRecords() < 40_000);

        // The intact dump finishes the job.
        var intact = _temp.Write("intact.sql", Encoding.UTF8.GetBytes(sql.ToString()));
        await CatalogImporter.ImportAsync(store, intact);
        Assert.Equal(40_000, store.CountRecords());
    }

    [Fact]
    public async Task Reimporting_The_Same_Dump_Changes_Nothing()
    {
        await SampleAsync();
        using var store = CatalogStore.Open(_temp.Join("catalog.db"));
        await ImportAllAsync(store);
        var before = Checksum(store);

        var again = await ImportAllAsync(store);

        Assert.All(again.SelectMany(r => r.Tables), t => Assert.Equal((0L, 0L, t.Rows), (t.Inserted, t.Updated, t.Unchanged)));
        Assert.Equal(before, Checksum(store));
    }

    [Fact]
    public async Task A_Newer_Dump_Updates_Changed_Rows_And_Adds_New_Ones()
    {
        const string schema = """
            CREATE TABLE `updated` (
              `ID` int,
              `Title` varchar(200),
              `Identifier` varchar(100),
              `MD5` char(32),
              `TimeLastModified` timestamp
            );

            """;
        var first = _temp.Write("v1.sql", Encoding.UTF8.GetBytes(schema +
            "INSERT INTO `updated` VALUES (1,'Old title','0-07-136362-9','0123456789abcdef0123456789abcdef','2020-01-01 00:00:00'),(2,'Stays','','11111111111111111111111111111111','2020-01-01 00:00:00');\n"));
        var second = _temp.Write("v2.sql", Encoding.UTF8.GetBytes(schema +
            "INSERT INTO `updated` VALUES (1,'New title','080442957X','0123456789ABCDEF0123456789ABCDEF','2021-06-01 00:00:00'),(2,'Older copy','','11111111111111111111111111111111','2019-01-01 00:00:00'),(3,'Added','','22222222222222222222222222222222','2021-06-01 00:00:00');\n"));
        using var store = CatalogStore.Open(_temp.Join("catalog.db"));
        await CatalogImporter.ImportAsync(store, first);

        var report = (await CatalogImporter.ImportAsync(store, second)).Tables.Single();

        Assert.Equal((1L, 1L, 1L), (report.Inserted, report.Updated, report.Unchanged));
        var updated = store.Get(Collection.Scitech, 1)!;
        Assert.Equal("New title", updated.Title);
        Assert.Equal(["9780804429573"], updated.Isbns);
        Assert.Equal("Stays", store.Get(Collection.Scitech, 2)!.Title);
        Assert.Equal("r_000", store.Get(Collection.Scitech, 3)!.Torrent);
    }

    [Fact]
    public async Task Registering_A_Torrent_That_Disagrees_Reports_The_Difference_And_The_Torrent_Wins()
    {
        var manifest = await SampleAsync();
        using var store = CatalogStore.Open(_temp.Join("catalog.db"));
        await ImportAllAsync(store);
        var root = _temp.Join("sample", "data", "r_000", "0");
        var removed = manifest.Records.First(r => r.Torrent == "r_000" && r.HasFile);
        File.Delete(Path.Join(root, removed.Md5));
        File.WriteAllText(Path.Join(root, "unexpected.txt"), "not a book");
        var torrent = MetainfoParser.Parse(await TorrentBuilder.FromDirectoryAsync(root, new TorrentBuildOptions { PieceLength = 16_384 }));

        var report = TorrentRegistration.Register(store, "r_000", torrent);

        Assert.Equal([removed.PathInTorrent!], report.MissingFromTorrent);
        Assert.Equal(["0/unexpected.txt"], report.NotInCatalogue);
        Assert.False(report.Agrees);
        Assert.Null(store.Get(Collection.Scitech, removed.Id)!.PathInTorrent);
        Assert.Equal((torrent.InfoHash.ToString(), false), TorrentRegistration.Status(store, Collection.Scitech, "r_000"));
        TorrentRegistration.SetHeld(store, "r_000", held: true);
        Assert.True(TorrentRegistration.Status(store, Collection.Scitech, "r_000").Held);
        Assert.Throws<CatalogException>(() => TorrentRegistration.SetHeld(store, "r_999000", held: true));
        Assert.Throws<CatalogException>(() => TorrentRegistration.CollectionOf("x_1"));
    }

    private static string Checksum(CatalogStore store)
    {
        using var command = store.Connection.CreateCommand();
        command.CommandText = $"SELECT group_concat(line, '|') FROM (SELECT concat_ws(',', {CatalogStore.RecordColumns}) AS line FROM records ORDER BY key)";
        var records = (string)command.ExecuteScalar()!;
        command.CommandText = "SELECT (SELECT count(*) FROM isbns) || '/' || (SELECT count(*) FROM descriptions) || '/' || (SELECT count(*) FROM hashes) || '/' || (SELECT count(*) FROM topics)";
        return records + "#" + command.ExecuteScalar();
    }
}
