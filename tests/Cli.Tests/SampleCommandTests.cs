using System.Text.Json;
using LibraryCluster.Testing;

namespace LibraryCluster.Cli.Tests;

public sealed class SampleCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Create_Then_Verify_Succeeds_With_A_Summary()
    {
        var (code, output, error) = await CliRunner.RunAsync("sample", "create", "--out", _temp.Join("s"), "--books", "30", "--fiction", "10", "--scimag", "10", "--id-gap", "50");
        Assert.True(code == 0, error);
        Assert.Contains("scitech", output, StringComparison.Ordinal);

        (code, output, _) = await CliRunner.RunAsync("sample", "verify", "--dir", _temp.Join("s"));

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("r_1000", output, StringComparison.Ordinal);
        Assert.Contains("sm_00000000-00099999", output, StringComparison.Ordinal);
        Assert.Matches(@"Count: \d+ torrents, \d+ complete", output);
    }

    [Fact]
    public async Task Verify_Exits_3_When_A_Sample_File_Is_Gone()
    {
        var (code, output, error) = await CliRunner.RunAsync("sample", "create", "--out", _temp.Join("s"), "--fiction", "5", "--json");
        Assert.True(code == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            Assert.Equal(5, json.RootElement.GetProperty("records").GetInt32());
        }

        File.Delete(Directory.GetFiles(_temp.Join("s", "data", "f_0", "0"))[0]);
        (code, _, _) = await CliRunner.RunAsync("sample", "verify", "--dir", _temp.Join("s"));

        Assert.Equal(ExitCodes.Damaged, code);
    }

    [Fact]
    public async Task Bad_Options_Exit_2_Naming_The_Option()
    {
        var (code, _, error) = await CliRunner.RunAsync("sample", "create", "--out", _temp.Join("s"), "--books", "3", "--piece-length", "1000");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--piece-length", error, StringComparison.Ordinal);

        (code, _, error) = await CliRunner.RunAsync("sample", "verify", "--dir", _temp.Join("empty"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("no .torrent files", error, StringComparison.Ordinal);
    }
}
