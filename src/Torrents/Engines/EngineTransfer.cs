namespace LibraryCluster.Torrents.Engines;

/// <summary>A daemon's global transfer state.</summary>
public sealed record EngineTransfer
{
    public long DownloadBytesPerSecond { get; init; }

    public long UploadBytesPerSecond { get; init; }

    /// <summary>Bytes downloaded and uploaded since the daemon started.</summary>
    public long SessionDownloaded { get; init; }

    public long SessionUploaded { get; init; }

    /// <summary>The daemon's word for its reachability (qBittorrent: connected, firewalled, disconnected).</summary>
    public string ConnectionStatus { get; init; } = string.Empty;

    /// <summary>Free bytes on the daemon's default save path's disk; -1 when unknown.</summary>
    public long FreeSpaceOnDisk { get; init; } = -1;
}
