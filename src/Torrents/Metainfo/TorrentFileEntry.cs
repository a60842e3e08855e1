namespace LibraryCluster.Torrents.Metainfo;

/// <summary>One file of a torrent, in torrent order, with its place in the concatenated data.</summary>
public sealed record TorrentFileEntry
{
    /// <summary>Position in the torrent's file list.</summary>
    public required int Index { get; init; }

    /// <summary>Path components relative to the save directory, the torrent name first for multi-file torrents.</summary>
    public required IReadOnlyList<string> PathComponents { get; init; }

    public required long Length { get; init; }

    /// <summary>Offset of the file's first byte in the torrent's concatenated data.</summary>
    public required long Offset { get; init; }

    /// <summary>A BEP 47 padding file: zeros that are never written to disk.</summary>
    public bool IsPadding { get; init; }

    /// <summary>The path relative to the save directory, with '/' separators.</summary>
    public string RelativePath => string.Join('/', PathComponents);

    public long End => Offset + Length;
}
