namespace LibraryCluster.Torrents.Engines;

/// <summary>A tracker's state in the daemon. Values are qBittorrent's.</summary>
public enum TrackerStatus
{
    Disabled = 0,

    NotContacted = 1,

    Working = 2,

    Updating = 3,

    NotWorking = 4,
}
