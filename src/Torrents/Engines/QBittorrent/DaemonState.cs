namespace LibraryCluster.Torrents.Engines.QBittorrent;

/// <summary>Where a supervised daemon is in its life.</summary>
public enum DaemonState
{
    /// <summary>Not started yet, or stopped on request.</summary>
    Stopped,

    /// <summary>Launched; waiting for its WebAPI to answer.</summary>
    Starting,

    /// <summary>Its WebAPI answers.</summary>
    Running,

    /// <summary>It died or would not start; waiting out the back-off before the next start.</summary>
    Restarting,

    /// <summary>Shutting down on request.</summary>
    Stopping,
}
