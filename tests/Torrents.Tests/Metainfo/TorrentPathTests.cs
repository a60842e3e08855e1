using LibraryCluster.Testing;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Tests.Metainfo;

public sealed class TorrentPathTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Resolves_A_Safe_Path_Below_The_Save_Directory()
    {
        var full = TorrentPath.Resolve(_temp.Path, ["1000", "abc"], out var refusal);
        Assert.Null(refusal);
        Assert.Equal(Path.Join(_temp.Path, "1000", "abc"), full);
    }

    [Fact]
    public void Refuses_A_Symbolic_Link_To_A_Directory_Outside()
    {
        var outside = _temp.Join("outside");
        Directory.CreateDirectory(outside);
        Directory.CreateDirectory(_temp.Join("save"));
        Directory.CreateSymbolicLink(_temp.Join("save", "1000"), outside);

        Assert.Null(TorrentPath.Resolve(_temp.Join("save"), ["1000", "abc"], out var refusal));
        Assert.Contains("\"1000\" is a symbolic link", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_A_Symbolic_Link_As_The_File_Even_When_Dangling()
    {
        Directory.CreateDirectory(_temp.Join("save", "1000"));
        File.CreateSymbolicLink(_temp.Join("save", "1000", "abc"), "/etc/passwd");
        File.CreateSymbolicLink(_temp.Join("save", "1000", "dangling"), "/nonexistent");

        Assert.Null(TorrentPath.Resolve(_temp.Join("save"), ["1000", "abc"], out var refusal));
        Assert.Contains("symbolic link", refusal, StringComparison.Ordinal);
        Assert.Null(TorrentPath.Resolve(_temp.Join("save"), ["1000", "dangling"], out _));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a/../../b")]
    [InlineData("/etc")]
    public void Refuses_Components_That_Escape(string component)
    {
        Assert.Null(TorrentPath.Resolve(_temp.Path, ["1000", component], out var refusal));
        Assert.NotNull(refusal);
    }
}
