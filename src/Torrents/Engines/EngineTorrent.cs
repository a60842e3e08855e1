using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Engines;

/// <summary>One torrent's whole current state in the daemon.</summary>
public sealed record EngineTorrent
{
    public required InfoHash Hash { get; init; }

    public string Name { get; init; } = string.Empty;

    public TorrentActivity Activity { get; init; }

    /// <summary>The daemon's own state word (qBittorrent: stalledUP, pausedDL, checkingResumeData…), for logs.</summary>
    public string EngineState { get; init; } = string.Empty;

    /// <summary>Fraction of the wanted bytes present and verified, 0 to 1.</summary>
    public double Progress { get; init; }

    /// <summary>Bytes of the wanted files still missing; 0 when everything wanted is present.</summary>
    public long BytesLeft { get; init; }

    /// <summary>Bytes of the wanted files (less than <see cref="TotalSize"/> when some files are skipped).</summary>
    public long WantedSize { get; init; }

    public long TotalSize { get; init; }

    public string SavePath { get; init; } = string.Empty;

    public long DownloadBytesPerSecond { get; init; }

    public long UploadBytesPerSecond { get; init; }

    /// <summary>Bytes downloaded and uploaded over the torrent's life in this daemon.</summary>
    public long Downloaded { get; init; }

    public long Uploaded { get; init; }

    /// <summary>Seeds and leechers connected to us now.</summary>
    public int ConnectedSeeds { get; init; }

    public int ConnectedPeers { get; init; }

    /// <summary>Seeds and leechers in the swarm as the trackers last reported; -1 when unknown.</summary>
    public int SwarmSeeds { get; init; } = -1;

    public int SwarmPeers { get; init; } = -1;

    /// <summary>When the torrent was added to the daemon and when it completed (null until then).</summary>
    public DateTimeOffset? AddedOn { get; init; }

    public DateTimeOffset? CompletedOn { get; init; }

    /// <summary>Everything wanted is present and the daemon is not hashing it: safe to verify ourselves.</summary>
    public bool IsComplete => BytesLeft == 0 && Activity is not (TorrentActivity.Checking or TorrentActivity.Moving or TorrentActivity.MissingFiles or TorrentActivity.Error or TorrentActivity.Unknown);
}
