using System.Diagnostics;
using LibraryCluster.Testing;
using LibraryCluster.Torrents.Metainfo;
using LibraryCluster.Torrents.Verification;

namespace LibraryCluster.Torrents.Tests.Metainfo;

public sealed class TorrentBuilderTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Builds_A_Multi_File_Torrent_In_Ordinal_Path_Order_That_Verifies()
    {
        var (torrent, bytes, save) = await TestData.MultiFileTorrentAsync(_temp, "2412000", 16_384, ("b", 30_000), ("a.txt", 100), ("a/z", 5), ("A", 7));

        Assert.Equal(["2412000/A", "2412000/a.txt", "2412000/a/z", "2412000/b"], torrent.Files.Select(f => f.RelativePath));
        Assert.Equal(bytes, await TorrentBuilder.FromDirectoryAsync(Path.Join(save, "2412000"), new TorrentBuildOptions { PieceLength = 16_384 }));
        Assert.True((await PieceVerifier.VerifyAsync(torrent, save)).IsComplete);
    }

    [Fact]
    public async Task Writes_The_Optional_Fields_It_Is_Given()
    {
        var file = _temp.Write("save/x", TestData.Bytes(100, 1));
        var torrent = MetainfoParser.Parse(await TorrentBuilder.FromFileAsync(file, new TorrentBuildOptions
        {
            PieceLength = 16_384,
            Announce = "http://127.0.0.1:6969/announce",
            UrlList = ["http://127.0.0.1:8080/"],
            IsPrivate = true,
            CreationDate = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
            CreatedBy = "test",
            Comment = "hello",
        }));

        Assert.Equal("http://127.0.0.1:6969/announce", torrent.Announce);
        Assert.Equal(["http://127.0.0.1:8080/"], torrent.UrlList);
        Assert.True(torrent.IsPrivate);
        Assert.Equal(1_700_000_000, torrent.CreationDate!.Value.ToUnixTimeSeconds());
        Assert.Equal("test", torrent.CreatedBy);
        Assert.Equal("hello", torrent.Comment);
    }

    [Fact]
    [Trait("Category", "Integration")]
    public async Task Info_Hash_Matches_Mktorrent_For_The_Same_Data()
    {
        var (torrent, _, save) = await TestData.MultiFileTorrentAsync(_temp, "5000", 32_768, ("f1", 100_000), ("d/f2", 1), ("d/f3", 65_536), ("e", 0));
        var output = _temp.Join("mk.torrent");
        var start = new ProcessStartInfo("mktorrent", ["-l", "15", "-o", output, Path.Join(save, "5000")]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);

        var theirs = MetainfoParser.Load(output);

        Assert.Equal(theirs.InfoHash, torrent.InfoHash);
    }
}
