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
}
