namespace LibraryCluster.Torrents.Engines;

/// <summary>How much a daemon wants one file of a torrent. Values are qBittorrent's.</summary>
public enum FilePriority
{
    /// <summary>Do not download (selective download).</summary>
    Skip = 0,

    Normal = 1,

    High = 6,

    Maximum = 7,
}
