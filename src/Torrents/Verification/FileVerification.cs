using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Verification;

/// <summary>The verdict on one file of a torrent.</summary>
public sealed record FileVerification
{
    public required TorrentFileEntry File { get; init; }

    public required FileState State { get; init; }

    /// <summary>The length found on disk, or null when the file is missing or was refused.</summary>
    public long? ActualLength { get; init; }

    /// <summary>Checked pieces of this file whose hash failed.</summary>
    public IReadOnlyList<int> DamagedPieces { get; init; } = [];

    /// <summary>Checked pieces of this file that could not be hashed for missing data.</summary>
    public IReadOnlyList<int> UnavailablePieces { get; init; } = [];

    /// <summary>Why the file is unreadable, when it is.</summary>
    public string? Reason { get; init; }
}
