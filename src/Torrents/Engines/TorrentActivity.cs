namespace LibraryCluster.Torrents.Engines;

/// <summary>What a torrent is doing in the daemon, across engines. The daemon's own word is in <see cref="EngineTorrent.EngineState"/>.</summary>
public enum TorrentActivity
{
    /// <summary>A state this client does not know (a newer daemon).</summary>
    Unknown,

    /// <summary>Complete and offered to peers (whether or not any peer is connected).</summary>
    Seeding,

    /// <summary>Incomplete and fetching (whether or not any peer is connected).</summary>
    Downloading,

    /// <summary>Stopped by us; <see cref="EngineTorrent.BytesLeft"/> says whether it is complete.</summary>
    Paused,

    /// <summary>Hashing its data (added without skip-checking, rechecked, or resumed after a restart).</summary>
    Checking,

    /// <summary>Waiting for a slot (queueing is off in the daemons we run, but an attached one may queue).</summary>
    Queued,

    /// <summary>Moving its data to another save path.</summary>
    Moving,

    /// <summary>Its files are gone from the save path.</summary>
    MissingFiles,

    /// <summary>The daemon stopped it on an error (disk full, I/O error).</summary>
    Error,
}
