using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Testing;

/// <summary>Deterministic bytes and small torrents for tests.</summary>
public static class TestData
{
    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Writes files under <c>save/root/</c> and makes a multi-file torrent of them.</summary>
    public static async Task<(TorrentMetainfo Torrent, byte[] File, string SaveDirectory)> MultiFileTorrentAsync(
        TempDirectory temp, string root, int pieceLength, params (string Path, int Length)[] files)
    {
        var save = temp.Join("save");
        var seed = 1;
        foreach (var (path, length) in files)
        {
            temp.Write($"save/{root}/{path}", Bytes(length, seed++));
        }

        var bytes = await TorrentBuilder.FromDirectoryAsync(Path.Join(save, root), new TorrentBuildOptions { PieceLength = pieceLength });
        return (MetainfoParser.Parse(bytes), bytes, save);
    }

    /// <summary>
    /// Writes files under <c>saveDirectory/root/</c> (bytes from <paramref name="seed"/> on) and returns the .torrent's
    /// bytes, announcing to <paramref name="announce"/> when given: the data a swarm test seeds.
    /// </summary>
    public static async Task<(byte[] Bytes, TorrentMetainfo Torrent)> SeedTorrentAsync(
        string saveDirectory, string root, string? announce, int pieceLength, int seed, params (string Path, int Length)[] files)
    {
        foreach (var (path, length) in files)
        {
            var full = Path.Join([saveDirectory, root, .. path.Split('/')]);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllBytesAsync(full, Bytes(length, seed++));
        }

        var bytes = await TorrentBuilder.FromDirectoryAsync(Path.Join(saveDirectory, root), new TorrentBuildOptions { PieceLength = pieceLength, Announce = announce });
        return (bytes, MetainfoParser.Parse(bytes));
    }
}
