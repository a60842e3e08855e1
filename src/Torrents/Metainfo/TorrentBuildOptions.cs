namespace LibraryCluster.Torrents.Metainfo;

/// <summary>How to make a .torrent. Fields left null are left out of the file, which keeps output deterministic.</summary>
public sealed record TorrentBuildOptions
{
    public int PieceLength { get; init; } = 4 * 1024 * 1024;

    public string? Announce { get; init; }

    public IReadOnlyList<string> UrlList { get; init; } = [];

    public bool IsPrivate { get; init; }

    public DateTimeOffset? CreationDate { get; init; }

    public string? CreatedBy { get; init; }

    public string? Comment { get; init; }
}
