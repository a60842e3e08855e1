namespace LibraryCluster.Torrents.Engines.QBittorrent;

/// <summary>qBittorrent 4.5's torrent state words, mapped onto <see cref="TorrentActivity"/>.</summary>
internal static class QBittorrentStates
{
    public static TorrentActivity ToActivity(string? state) => state switch
    {
        "uploading" or "stalledUP" or "forcedUP" => TorrentActivity.Seeding,
        "downloading" or "stalledDL" or "forcedDL" or "metaDL" or "forcedMetaDL" or "allocating" => TorrentActivity.Downloading,
        "pausedUP" or "pausedDL" or "stoppedUP" or "stoppedDL" => TorrentActivity.Paused,
        "checkingUP" or "checkingDL" or "checkingResumeData" => TorrentActivity.Checking,
        "queuedUP" or "queuedDL" => TorrentActivity.Queued,
        "moving" => TorrentActivity.Moving,
        "missingFiles" => TorrentActivity.MissingFiles,
        "error" => TorrentActivity.Error,
        _ => TorrentActivity.Unknown,
    };
}
