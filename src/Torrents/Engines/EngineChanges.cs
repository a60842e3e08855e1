using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Engines;

/// <summary>One poll's worth of changes in the daemon (see <see cref="ITorrentEngine.PollAsync"/>).</summary>
public sealed record EngineChanges
{
    /// <summary>
    /// True when <see cref="Changed"/> holds every torrent the daemon has (the first poll, or the daemon restarted
    /// or lost our place): a torrent missing from it is no longer held, and is listed in <see cref="Removed"/> too.
    /// </summary>
    public bool FullUpdate { get; init; }

    /// <summary>Torrents added or changed since the last poll, each with its whole current state.</summary>
    public IReadOnlyList<EngineTorrent> Changed { get; init; } = [];

    /// <summary>Torrents the daemon held at the last poll and no longer holds.</summary>
    public IReadOnlyList<InfoHash> Removed { get; init; } = [];

    /// <summary>The daemon's global rates and totals as of this poll.</summary>
    public required EngineTransfer Transfer { get; init; }

    /// <summary>How many torrents the daemon holds after this poll.</summary>
    public int TorrentCount { get; init; }
}
