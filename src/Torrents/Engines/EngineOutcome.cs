namespace LibraryCluster.Torrents.Engines;

/// <summary>The expected results of an engine call, as values rather than exceptions.</summary>
public enum EngineOutcome
{
    /// <summary>The daemon did what was asked.</summary>
    Done,

    /// <summary>Add: the daemon already holds this torrent; nothing was changed.</summary>
    AlreadyThere,

    /// <summary>The daemon does not hold this torrent.</summary>
    UnknownTorrent,
}
