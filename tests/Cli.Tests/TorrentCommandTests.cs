using System.Text.Json;
using LibraryCluster.Testing;

namespace LibraryCluster.Cli.Tests;

public sealed class TorrentCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<string> SampleAsync()
    {
        var (code, _, error) = await CliRunner.RunAsync("sample", "create", "--out", _temp.Join("s"), "--books", "20", "--seed", "3", "--piece-length", "16384");
        Assert.True(code == 0, error);
        return _temp.Join("s");
    }

    private static int FilesIn(string sample) => Directory.GetFiles(Path.Join(sample, "data", "r_000", "0")).Length;

    [Fact]
    public async Task Show_Prints_The_Metadata_And_Every_File()
    {
        var sample = await SampleAsync();
        var (code, output, _) = await CliRunner.RunAsync("torrent", "show", Path.Join(sample, "torrents", "r_000.torrent"));

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("info-hash", output, StringComparison.Ordinal);
        Assert.Contains($"Count: {FilesIn(sample)} files", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_Json_Is_Machine_Readable()
    {
        var sample = await SampleAsync();
        var (code, output, _) = await CliRunner.RunAsync("torrent", "show", Path.Join(sample, "torrents", "r_000.torrent"), "--json");

        Assert.Equal(ExitCodes.Ok, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("0", json.RootElement.GetProperty("name").GetString());
        Assert.Equal(FilesIn(sample), json.RootElement.GetProperty("files").GetArrayLength());
        Assert.Equal(40, json.RootElement.GetProperty("infoHash").GetString()!.Length);
    }

    [Fact]
    public async Task Verify_Exits_0_When_Complete_With_A_Final_Speed_Line()
    {
        var sample = await SampleAsync();
        var (code, output, _) = await CliRunner.RunAsync("torrent", "verify", Path.Join(sample, "torrents", "r_000.torrent"), "--data", Path.Join(sample, "data", "r_000"));

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("complete", output, StringComparison.Ordinal);
        Assert.Matches(@"checked [\d,]+ bytes in [\d.]+ s: \d+ MB/s", output.Trim().Split('\n')[^1]);
    }

    [Fact]
    public async Task Verify_Exits_3_And_Names_The_Damaged_File_And_Piece()
    {
        var sample = await SampleAsync();
        var victim = Directory.GetFiles(Path.Join(sample, "data", "r_000", "0")).Order(StringComparer.Ordinal).First();
        var bytes = await File.ReadAllBytesAsync(victim);
        bytes[0] ^= 0xFF;
        await File.WriteAllBytesAsync(victim, bytes);

        var (code, output, _) = await CliRunner.RunAsync("torrent", "verify", Path.Join(sample, "torrents", "r_000.torrent"), "--data", Path.Join(sample, "data", "r_000"), "--json");

        Assert.Equal(ExitCodes.Damaged, code);
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("isComplete").GetBoolean());
        var damaged = json.RootElement.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("path").GetString() == "0/" + Path.GetFileName(victim));
        Assert.Equal("Damaged", damaged.GetProperty("state").GetString());
        Assert.Equal(0, damaged.GetProperty("damagedPieces")[0].GetInt32());
    }

    [Fact]
    public async Task Verify_Reports_A_Missing_File_In_The_Table()
    {
        var sample = await SampleAsync();
        var victim = Directory.GetFiles(Path.Join(sample, "data", "r_000", "0")).Order(StringComparer.Ordinal).Last();
        File.Delete(victim);

        var (code, output, _) = await CliRunner.RunAsync("torrent", "verify", Path.Join(sample, "torrents", "r_000.torrent"), "--data", Path.Join(sample, "data", "r_000"));

        Assert.Equal(ExitCodes.Damaged, code);
        Assert.Contains("0/" + Path.GetFileName(victim), output, StringComparison.Ordinal);
        Assert.Contains("missing", output, StringComparison.Ordinal);
        Assert.Contains("incomplete", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_Can_Check_Just_One_File()
    {
        var sample = await SampleAsync();
        var files = Directory.GetFiles(Path.Join(sample, "data", "r_000", "0")).Order(StringComparer.Ordinal).ToList();
        File.Delete(files[^1]);

        var (code, output, _) = await CliRunner.RunAsync(
            "torrent", "verify", Path.Join(sample, "torrents", "r_000.torrent"), "--data", Path.Join(sample, "data", "r_000"), "--file", Path.GetFileName(files[0]), "--json");

        Assert.Equal(ExitCodes.Ok, code);
        using var json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("isComplete").GetBoolean());
    }

    [Fact]
    public async Task A_Malformed_Torrent_Exits_2_With_The_Byte_Offset()
    {
        var bad = _temp.Write("bad.torrent", "d4:infod4:name3:abci03eee"u8);
        var (code, _, error) = await CliRunner.RunAsync("torrent", "show", bad);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("bencode error at byte", error, StringComparison.Ordinal);
        Assert.Contains("expected a dictionary key", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_Unsafe_Path_Exits_2_Naming_The_Field()
    {
        var bad = _temp.Write("evil.torrent", "d4:infod5:filesld6:lengthi1e4:pathl2:..6:passwdeee4:name1:x12:piece lengthi16e6:pieces20:01234567890123456789ee"u8);
        var (code, _, error) = await CliRunner.RunAsync("torrent", "verify", bad, "--data", _temp.Path);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("info.files[0].path[0]", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_Inputs_Exit_2_With_The_Path()
    {
        var (code, _, error) = await CliRunner.RunAsync("torrent", "show", _temp.Join("absent.torrent"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("absent.torrent", error, StringComparison.Ordinal);

        var sample = await SampleAsync();
        (code, _, error) = await CliRunner.RunAsync("torrent", "verify", Path.Join(sample, "torrents", "r_000.torrent"), "--data", _temp.Join("nowhere"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--data", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_Shows_An_Example()
    {
        var (code, output, _) = await CliRunner.RunAsync("torrent", "verify", "--help");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("Example:", output, StringComparison.Ordinal);
        Assert.Contains("--data", output, StringComparison.Ordinal);
    }
}
