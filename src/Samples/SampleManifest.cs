using LibraryCluster.Catalog;

namespace LibraryCluster.Samples;

/// <summary>What a sample holds, written beside it as <c>sample.json</c> so tests can check every record.</summary>
public sealed record SampleManifest
{
    public required SampleOptions Options { get; init; }

    public required IReadOnlyList<SampleRecord> Records { get; init; }

    public required IReadOnlyList<SampleTorrent> Torrents { get; init; }

    public long DataBytes => Torrents.Sum(t => t.Bytes);
}

/// <summary>One catalogue record of a sample, and where its file is.</summary>
public sealed record SampleRecord
{
    public required Collection Collection { get; init; }

    public required long Id { get; init; }

    /// <summary>Lowercase MD5 of the file's content.</summary>
    public required string Md5 { get; init; }

    public required string Title { get; init; }

    public required string Author { get; init; }

    public string? Doi { get; init; }

    public string? Isbn13 { get; init; }

    public string? Isbn10 { get; init; }

    public required string Extension { get; init; }

    public required long Size { get; init; }

    /// <summary>LibGen's Visible flag: empty for visible records.</summary>
    public required string Visible { get; init; }

    /// <summary>The torrent that holds the file, or null when none was published for its bucket.</summary>
    public string? Torrent { get; init; }

    /// <summary>The file's path inside the torrent (for scimag, the zip).</summary>
    public string? PathInTorrent { get; init; }

    /// <summary>For scimag: the article's entry name inside its zip.</summary>
    public string? ZipEntry { get; init; }

    /// <summary>Whether the file exists in the sample's data.</summary>
    public required bool HasFile { get; init; }
}

/// <summary>One generated .torrent.</summary>
public sealed record SampleTorrent(string Name, Collection Collection, string InfoHash, int Files, long Bytes, int PieceLength);
