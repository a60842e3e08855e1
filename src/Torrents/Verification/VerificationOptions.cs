using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Verification;

/// <summary>What to verify and how hard to work at it.</summary>
public sealed record VerificationOptions
{
    /// <summary>Pieces to check; null checks every piece.</summary>
    public Range? Pieces { get; init; }

    /// <summary>Hashing threads; defaults to one per core.</summary>
    public int MaxParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>A read-rate cap in bytes per second (background scrubs); null reads as fast as the disk goes.</summary>
    public long? MaxBytesPerSecond { get; init; }

    /// <summary>Only the pieces that hold one file ("verify this one book").</summary>
    public static VerificationOptions ForFile(TorrentMetainfo torrent, int fileIndex) =>
        new() { Pieces = torrent.GetPieceRange(torrent.Files[fileIndex]) };

    /// <summary>Only the pieces that hold a byte range of the torrent's data ("verify what just arrived").</summary>
    public static VerificationOptions ForBytes(TorrentMetainfo torrent, long offset, long length) =>
        new() { Pieces = torrent.GetPieceRange(offset, length) };
}
