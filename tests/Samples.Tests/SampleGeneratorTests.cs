using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using LibraryCluster.Catalog;
using LibraryCluster.Catalog.Layout;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Bencode;
using LibraryCluster.Torrents.Metainfo;
using LibraryCluster.Torrents.Verification;

namespace LibraryCluster.Samples.Tests;

public sealed class SampleGeneratorTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private Task<SampleManifest> CreateAsync(string name, long seed = 7, int? pieceLength = 16_384) => SampleGenerator.CreateAsync(new SampleOptions
    {
        OutputDirectory = _temp.Join(name),
        Books = 60,
        Fiction = 25,
        Scimag = 40,
        Seed = seed,
        IdGap = 40,
        PieceLength = pieceLength,
        Announce = "http://127.0.0.1:6969/announce",
    });

    [Fact]
    public async Task Generated_Torrents_Verify_Against_Generated_Data()
    {
        var manifest = await CreateAsync("s");

        Assert.Contains(manifest.Torrents, t => t.Name == "r_000");
        Assert.Contains(manifest.Torrents, t => t.Name == "r_1000");
        Assert.Contains(manifest.Torrents, t => t.Name == "f_0");
        Assert.Contains(manifest.Torrents, t => t.Name == "sm_00000000-00099999");
        foreach (var sample in manifest.Torrents)
        {
            var torrent = MetainfoParser.Load(_temp.Join("s", "torrents", sample.Name + ".torrent"));
            Assert.Equal(sample.InfoHash, torrent.InfoHash.ToString());
            Assert.Equal("http://127.0.0.1:6969/announce", torrent.Announce);
            var report = await PieceVerifier.VerifyAsync(torrent, _temp.Join("s", "data", sample.Name));
            Assert.True(report.IsComplete, $"{sample.Name}: {string.Join(", ", report.Problems.Select(p => $"{p.File.RelativePath} {p.State}"))}");
        }
    }

    [Fact]
    public async Task Every_File_Is_Named_By_The_Md5_Of_Its_Content_At_Its_Libgen_Path()
    {
        var manifest = await CreateAsync("s");

        foreach (var record in manifest.Records.Where(r => r.HasFile && r.Collection != Collection.Scimag))
        {
            var path = _temp.Join(["s", "data", record.Torrent!, .. record.PathInTorrent!.Split('/')]);
            var expectedName = record.Collection == Collection.Fiction ? $"{record.Md5}.{record.Extension}" : record.Md5;
            Assert.Equal(expectedName, Path.GetFileName(path));
            Assert.Equal(record.Md5, Convert.ToHexStringLower(MD5.HashData(await File.ReadAllBytesAsync(path))));
            Assert.Equal(record.Torrent, LibgenLayout.TorrentName(record.Collection, record.Id));
        }

        var deleted = manifest.Records.Where(r => !r.HasFile).ToList();
        Assert.All(deleted, r => Assert.True(r.Visible == "del" || r.Torrent is null));
    }

    [Fact]
    public async Task Scimag_Zips_Hold_Percent_Encoded_Doi_Entries_Whose_Md5_Matches()
    {
        var manifest = await CreateAsync("s");
        var articles = manifest.Records.Where(r => r.Collection == Collection.Scimag).ToList();
        Assert.Equal(40, articles.Count);

        foreach (var zip in articles.GroupBy(a => a.PathInTorrent))
        {
            using var archive = ZipFile.OpenRead(_temp.Join(["s", "data", zip.First().Torrent!, .. zip.Key!.Split('/')]));
            foreach (var article in zip)
            {
                var entry = archive.GetEntry(article.ZipEntry!) ?? throw new Xunit.Sdk.XunitException($"{article.ZipEntry} missing from {zip.Key}");
                Assert.Equal(LibgenLayout.ScimagEntryName(article.Doi!), entry.FullName);
                using var stream = entry.Open();
                Assert.Equal(article.Md5, Convert.ToHexStringLower(await MD5.HashDataAsync(stream)));
            }
        }

        Assert.Contains(articles, a => a.ZipEntry!.Contains("%3C", StringComparison.Ordinal));
        Assert.Contains(articles, a => a.ZipEntry!.Contains("%2F", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hashes_Rows_Carry_A_Btih_Equal_To_The_Sha1_Of_The_Single_File_Info_Dict()
    {
        var manifest = await CreateAsync("s");
        var dump = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(_temp.Join("s", "dumps", "libgen.sql")));
        var line = dump.Split('\n').Single(l => l.StartsWith("INSERT INTO `hashes` VALUES (", StringComparison.Ordinal));
        var checkedRows = 0;
        foreach (var row in line["INSERT INTO `hashes` VALUES (".Length..^2].Split("),("))
        {
            var values = row.Split(',').Select(v => v.Trim('\'')).ToArray();
            var (md5, torrentBase64, btih) = (values[0], values[6], values[7]);
            var torrentBytes = Convert.FromBase64String(torrentBase64);
            var root = (BDictionary)BencodeDecoder.Decode(torrentBytes);
            var info = (BDictionary)root.Get("info")!;
            Assert.Equal(btih, Convert.ToHexStringLower(SHA1.HashData(torrentBytes.AsSpan((int)info.Start, (int)info.Length))));
            Assert.Equal(md5.ToLowerInvariant(), ((BString)info.Get("name")!).Text);
            Assert.Equal(16L * 1024 * 1024, ((BInteger)info.Get("piece length")!).Value);
            Assert.Equal(["length", "name", "piece length", "pieces"], info.Keys);
            Assert.Contains(manifest.Records, r => r.Md5 == md5.ToLowerInvariant());
            checkedRows++;
        }

        Assert.Equal(60, checkedRows);
    }

    [Fact]
    public async Task Dumps_Have_The_Real_Mysqldump_Shape_And_Quirks()
    {
        await CreateAsync("s");
        var libgen = await File.ReadAllBytesAsync(_temp.Join("s", "dumps", "libgen.sql"));
        var text = Encoding.Latin1.GetString(libgen);

        Assert.StartsWith("-- MariaDB dump", text, StringComparison.Ordinal);
        Assert.Contains("/*!40101 SET NAMES utf8 */;", text, StringComparison.Ordinal);
        Assert.Contains("/*!40103 SET TIME_ZONE='+00:00' */;", text, StringComparison.Ordinal);
        Assert.Contains("INSERT INTO `updated` (`ID`, `Title`, `VolumeInfo`,", text, StringComparison.Ordinal);
        Assert.Contains("INSERT INTO `description` VALUES (", text, StringComparison.Ordinal);
        Assert.Contains("DELIMITER ;;\n", text, StringComparison.Ordinal);
        Assert.Contains("LOCK TABLES `updated` WRITE;", text, StringComparison.Ordinal);
        Assert.Contains("INSERT INTO `updated_edited` VALUES (", text, StringComparison.Ordinal);
        Assert.Contains("O\\'Reilly\\'s \\\"Pocket\\\" Guide", text, StringComparison.Ordinal);
        Assert.Contains("C:\\\\Program Files\\\\Books", text, StringComparison.Ordinal);
        Assert.Contains("first line\\nsecond line", text, StringComparison.Ordinal);
        Assert.Contains("carriage\\r\\nreturn", text, StringComparison.Ordinal);
        Assert.Contains("nul\\0byte and ctrl-z\\Z", text, StringComparison.Ordinal);
        Assert.Contains("Business\\\\\\\\Accounting", text, StringComparison.Ordinal);
        Assert.Contains(",NULL,", text, StringComparison.Ordinal);
        Assert.DoesNotContain(libgen, b => b == 0 || b == 0x1A);
        Assert.Throws<DecoderFallbackException>(() => new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(libgen));
        Assert.Contains("\uFEFF", Encoding.UTF8.GetString(libgen), StringComparison.Ordinal);

        var fiction = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(_temp.Join("s", "dumps", "fiction.sql")));
        Assert.Contains("INSERT INTO `fiction` VALUES (", fiction, StringComparison.Ordinal);
        Assert.Contains("'0000-00-00 00:00:00'", fiction + Encoding.UTF8.GetString(await File.ReadAllBytesAsync(_temp.Join("s", "dumps", "scimag.sql"))), StringComparison.Ordinal);

        // Every INSERT is one physical line: no raw newline inside a value.
        Assert.All(text.Split('\n').Where(l => l.StartsWith("INSERT INTO", StringComparison.Ordinal)), l => Assert.EndsWith(");", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_Same_Seed_Gives_The_Same_Bytes_And_Another_Seed_Does_Not()
    {
        var first = await CreateAsync("a", seed: 11);
        var second = await CreateAsync("b", seed: 11);
        var other = await CreateAsync("c", seed: 12);

        Assert.Equal(first.Torrents.Select(t => t.InfoHash), second.Torrents.Select(t => t.InfoHash));
        foreach (var dump in SampleCatalog.Dumps)
        {
            Assert.Equal(await File.ReadAllBytesAsync(_temp.Join("a", "dumps", dump)), await File.ReadAllBytesAsync(_temp.Join("b", "dumps", dump)));
        }

        Assert.NotEqual(first.Torrents.Select(t => t.InfoHash), other.Torrents.Select(t => t.InfoHash));
    }

    [Fact]
    public async Task Default_Piece_Lengths_Are_Libgens()
    {
        var manifest = await CreateAsync("s", pieceLength: null);
        Assert.All(manifest.Torrents.Where(t => t.Collection != Collection.Scimag), t => Assert.Equal(4 * 1024 * 1024, t.PieceLength));
        Assert.All(manifest.Torrents.Where(t => t.Collection == Collection.Scimag), t => Assert.Equal(16 * 1024 * 1024, t.PieceLength));
    }

    [Fact]
    public async Task Sizes_Follow_A_Long_Tail_Around_The_Scaled_Median()
    {
        var manifest = await SampleGenerator.CreateAsync(new SampleOptions { OutputDirectory = _temp.Join("sizes"), Books = 400, SizeScale = 0.001 });
        var sizes = manifest.Records.Select(r => r.Size).Order().ToList();
        var median = sizes[sizes.Count / 2];

        Assert.InRange(median, 3_500, 6_500);
        Assert.True(sizes[^1] > 5 * median, $"largest {sizes[^1]} should be far above the median {median}");
    }

    [Fact]
    public async Task Refuses_To_Write_Into_A_Folder_That_Is_Not_A_Sample()
    {
        _temp.Write("busy/precious.txt", "keep me"u8);
        var error = await Assert.ThrowsAsync<IOException>(() => SampleGenerator.CreateAsync(new SampleOptions { OutputDirectory = _temp.Join("busy"), Books = 1 }));
        Assert.Contains("not empty", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(_temp.Join("busy", "precious.txt")));
    }

    [Theory]
    [InlineData(0, 1.0, 1, null, "at least one record")]
    [InlineData(5, 0.0, 1, null, "--size-scale")]
    [InlineData(5, 1.0, 0, null, "--id-gap")]
    [InlineData(5, 1.0, 1, 1000, "--piece-length")]
    public async Task Rejects_Bad_Options_Naming_The_Option(int books, double scale, int gap, int? pieceLength, string expected)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => SampleGenerator.CreateAsync(
            new SampleOptions { OutputDirectory = _temp.Join("x"), Books = books, SizeScale = scale, IdGap = gap, PieceLength = pieceLength }));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_Manifest_Round_Trips()
    {
        var manifest = await CreateAsync("s");
        var loaded = await SampleGenerator.LoadManifestAsync(_temp.Join("s"));
        Assert.Equal(manifest.Records, loaded.Records);
        Assert.Equal(manifest.Torrents, loaded.Torrents);
    }
}
