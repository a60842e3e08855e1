using System.Security.Cryptography;
using System.Text;
using LibraryCluster.Torrents.Bencode;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Tests.Metainfo;

public class MetainfoParserTests
{
    private static readonly byte[] TwoPieces = new byte[40];

    private static BDictionary MultiFileInfo(params BDictionary[] files)
    {
        var list = new BList();
        foreach (var file in files)
        {
            list.Add(file);
        }

        return new BDictionary
        {
            ["name"] = new BString("1000"),
            ["piece length"] = new BInteger(16),
            ["pieces"] = new BString(TwoPieces),
            ["files"] = list,
        };
    }

    private static BDictionary FileEntry(long length, params string[] path)
    {
        var components = new BList();
        foreach (var component in path)
        {
            components.Add(new BString(component));
        }

        return new BDictionary { ["length"] = new BInteger(length), ["path"] = components };
    }

    private static byte[] Torrent(BDictionary info, Action<BDictionary>? extra = null)
    {
        var root = new BDictionary { ["info"] = info };
        extra?.Invoke(root);
        return BencodeEncoder.Encode(root);
    }

    private static MetainfoException Invalid(byte[] torrent) => Assert.Throws<MetainfoException>(() => MetainfoParser.Parse(torrent));

    [Fact]
    public void Reads_A_Multi_File_Torrent_With_Offsets()
    {
        var bytes = Torrent(MultiFileInfo(FileEntry(10, "a"), FileEntry(0, "empty"), FileEntry(12, "sub", "b")), root =>
        {
            root["announce"] = new BString("http://127.0.0.1:6969/announce");
            var tier = new BList { };
            tier.Add(new BString("http://127.0.0.1:6969/announce"));
            var tiers = new BList();
            tiers.Add(tier);
            tiers.Add(new BList());
            root["announce-list"] = tiers;
            root["url-list"] = new BString("http://127.0.0.1:8080/seed/");
            root["creation date"] = new BInteger(1_600_000_000);
            root["created by"] = new BString("mktorrent 1.1");
            root["comment"] = new BString("r_1000");
        });

        var torrent = MetainfoParser.Parse(bytes);

        Assert.Equal("1000", torrent.Name);
        Assert.True(torrent.IsMultiFile);
        Assert.Equal(22, torrent.TotalLength);
        Assert.Equal(2, torrent.PieceCount);
        Assert.Equal(6, torrent.GetPieceSize(1));
        Assert.Equal(["1000/a", "1000/empty", "1000/sub/b"], torrent.Files.Select(f => f.RelativePath));
        Assert.Equal([0L, 10L, 10L], torrent.Files.Select(f => f.Offset));
        Assert.Equal("http://127.0.0.1:6969/announce", torrent.Announce);
        Assert.Single(torrent.AnnounceList);
        Assert.Equal(["http://127.0.0.1:8080/seed/"], torrent.UrlList);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_600_000_000), torrent.CreationDate);
        Assert.Equal("mktorrent 1.1", torrent.CreatedBy);
        Assert.Equal("r_1000", torrent.Comment);
        Assert.False(torrent.IsPrivate);
    }

    [Fact]
    public void Info_Hash_Is_The_Sha1_Of_The_Raw_Info_Bytes_Not_A_Reencoding()
    {
        // Built by hand: the file's info dict holds an unknown key, which we keep and hash as written.
        const string info = "d6:lengthi20e4:name4:book12:piece lengthi16e6:pieces40:" + "0123456789012345678901234567890123456789" + "7:x-extra3:yese";
        var file = Encoding.Latin1.GetBytes("d8:announce4:none4:info" + info + "e");

        var torrent = MetainfoParser.Parse(file);

        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(Encoding.Latin1.GetBytes(info))), torrent.InfoHash.ToString());
        Assert.False(torrent.IsMultiFile);
        Assert.Equal("book", torrent.Files.Single().RelativePath);
    }

    [Fact]
    public void Reads_The_Private_Flag_And_A_List_Of_Web_Seeds()
    {
        var info = MultiFileInfo(FileEntry(20, "a"));
        info["private"] = new BInteger(1);
        var torrent = MetainfoParser.Parse(Torrent(info, root =>
        {
            var urls = new BList();
            urls.Add(new BString("http://127.0.0.1/a/"));
            urls.Add(new BString("http://127.0.0.1/b/"));
            root["url-list"] = urls;
        }));
        Assert.True(torrent.IsPrivate);
        Assert.Equal(2, torrent.UrlList.Count);
    }

    [Theory]
    [InlineData("..", "would leave the torrent's directory")]
    [InlineData(".", "would leave the torrent's directory")]
    [InlineData("", "empty path component")]
    [InlineData("a/b", "contains a path separator")]
    [InlineData("a\\b", "contains a path separator")]
    [InlineData("nul\0byte", "NUL")]
    [InlineData("C:", "looks like a drive")]
    public void Rejects_Unsafe_Path_Components_Naming_The_Field(string component, string problem)
    {
        var error = Invalid(Torrent(MultiFileInfo(FileEntry(10, "ok"), FileEntry(12, "sub", component))));
        Assert.Equal("info.files[1].path[1]", error.Field);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("/etc")]
    [InlineData("")]
    public void Rejects_An_Unsafe_Torrent_Name(string name)
    {
        var info = MultiFileInfo(FileEntry(20, "a"));
        info["name"] = new BString(name);
        Assert.Equal("info.name", Invalid(Torrent(info)).Field);
    }

    [Fact]
    public void Rejects_An_Overlong_Component() =>
        Assert.Contains("longer than 255 bytes", Invalid(Torrent(MultiFileInfo(FileEntry(20, new string('x', 256))))).Problem, StringComparison.Ordinal);

    [Fact]
    public void Rejects_Duplicate_Paths_And_File_Directory_Clashes()
    {
        Assert.Contains("appears twice", Invalid(Torrent(MultiFileInfo(FileEntry(10, "a"), FileEntry(10, "a")))).Problem, StringComparison.Ordinal);
        Assert.Contains("both a file and a directory", Invalid(Torrent(MultiFileInfo(FileEntry(10, "a"), FileEntry(10, "a", "b")))).Problem, StringComparison.Ordinal);
        Assert.Contains("appears twice", Invalid(Torrent(MultiFileInfo(FileEntry(10, "a", "b"), FileEntry(10, "a")))).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_A_Piece_Count_That_Does_Not_Match_The_Data() =>
        Assert.Contains("need 3", Invalid(Torrent(MultiFileInfo(FileEntry(40, "a")))).Problem, StringComparison.Ordinal);

    [Fact]
    public void Rejects_Pieces_Not_A_Multiple_Of_20()
    {
        var info = MultiFileInfo(FileEntry(20, "a"));
        info["pieces"] = new BString(new byte[39]);
        Assert.Equal("info.pieces", Invalid(Torrent(info)).Field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-16)]
    public void Rejects_A_Non_Positive_Piece_Length(long pieceLength)
    {
        var info = MultiFileInfo(FileEntry(20, "a"));
        info["piece length"] = new BInteger(pieceLength);
        Assert.Equal("info.piece length", Invalid(Torrent(info)).Field);
    }

    [Fact]
    public void Rejects_Missing_And_Mistyped_Fields()
    {
        Assert.Equal("info", Invalid(BencodeEncoder.Encode(new BDictionary { ["announce"] = new BString("x") })).Field);
        var noName = MultiFileInfo(FileEntry(20, "a"));
        var withoutName = new BDictionary { ["piece length"] = new BInteger(16), ["pieces"] = new BString(TwoPieces), ["length"] = new BInteger(20) };
        Assert.Equal("info.name", Invalid(Torrent(withoutName)).Field);
        noName["name"] = new BInteger(5);
        Assert.Contains("must be a string", Invalid(Torrent(noName)).Problem, StringComparison.Ordinal);
        Assert.Equal("info.files[0].length", Invalid(Torrent(MultiFileInfo(FileEntry(-1, "a")))).Field);
        Assert.Equal("(top level)", Invalid(Encoding.ASCII.GetBytes("li1ee")).Field);
    }

    [Fact]
    public void Rejects_Both_Length_And_Files()
    {
        var info = MultiFileInfo(FileEntry(20, "a"));
        info["length"] = new BInteger(20);
        Assert.Contains("both 'length'", Invalid(Torrent(info)).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_A_Torrent_With_No_Data()
    {
        var info = MultiFileInfo(FileEntry(0, "a"));
        info["pieces"] = new BString(Array.Empty<byte>());
        Assert.Contains("no data", Invalid(Torrent(info)).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Pure_V2_Torrents_Get_A_Clear_Unsupported_Error()
    {
        var info = new BDictionary { ["name"] = new BString("x"), ["piece length"] = new BInteger(16384), ["meta version"] = new BInteger(2), ["file tree"] = new BDictionary() };
        var error = Assert.Throws<UnsupportedTorrentException>(() => MetainfoParser.Parse(Torrent(info)));
        Assert.Contains("pure BitTorrent v2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hybrid_Torrents_Use_Their_V1_Part_And_Padding_Files()
    {
        var padding = FileEntry(6, ".pad", "6");
        padding["attr"] = new BString("p");
        var info = MultiFileInfo(FileEntry(10, "a"), padding, FileEntry(16, "b"));
        info["pieces"] = new BString(new byte[40]);
        info["meta version"] = new BInteger(2);
        info["file tree"] = new BDictionary();

        var torrent = MetainfoParser.Parse(Torrent(info));

        Assert.True(torrent.IsHybrid);
        Assert.True(torrent.Files[1].IsPadding);
        Assert.Equal(16, torrent.Files[2].Offset);
    }

    [Fact]
    public void Prefers_Utf8_Twins_Of_Name_And_Path()
    {
        var entry = FileEntry(20, "legacy");
        var utf8 = new BList();
        utf8.Add(new BString("Физика.pdf"));
        entry["path.utf-8"] = utf8;
        var info = MultiFileInfo(entry);
        info["name.utf-8"] = new BString("книги");
        Assert.Equal("книги/Физика.pdf", MetainfoParser.Parse(Torrent(info)).Files[0].RelativePath);
    }

    [Fact]
    public void Piece_Ranges_Cover_Files_And_Byte_Ranges()
    {
        var torrent = MetainfoParser.Parse(Torrent(MultiFileInfo(FileEntry(10, "a"), FileEntry(0, "e"), FileEntry(12, "b"))));
        Assert.Equal(0..1, torrent.GetPieceRange(torrent.Files[0]));
        Assert.Equal(0..0, torrent.GetPieceRange(torrent.Files[1]));
        Assert.Equal(0..2, torrent.GetPieceRange(torrent.Files[2]));
        Assert.Equal(1..2, torrent.GetPieceRange(16, 100));
        Assert.Equal(2, torrent.FindFile(10));
        Assert.Equal(0, torrent.FindFile(9));
    }

    [Fact]
    public void Load_Refuses_Missing_Files_With_The_Path()
    {
        var error = Assert.Throws<FileNotFoundException>(() => MetainfoParser.Load("/nonexistent/x.torrent"));
        Assert.Contains("/nonexistent/x.torrent", error.Message, StringComparison.Ordinal);
    }
}
