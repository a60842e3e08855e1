using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Torrents.Engines;

/// <summary>
/// A BitTorrent daemon we drive (we never speak the peer wire ourselves). Every torrent is named by its
/// v1 info-hash, never by an engine's own id, which can change across restarts. Expected outcomes (already
/// there, not held) are values; a daemon that does not answer, refuses us or misbehaves raises
/// <see cref="TorrentEngineException"/> with a message that says what to do.
/// </summary>
public interface ITorrentEngine
{
    /// <summary>Which daemon and where, e.g. "qBittorrent at http://127.0.0.1:8081/", for messages.</summary>
    string Description { get; }

    /// <summary>Whether the daemon answers, with its version; never throws for a daemon that is down.</summary>
    Task<EngineHealth> CheckHealthAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds a torrent. <see cref="EngineOutcome.AlreadyThere"/> when the daemon already holds it (nothing is
    /// changed then). A metainfo the daemon refuses raises <see cref="TorrentEngineException"/> with
    /// <see cref="EngineErrorKind.InvalidTorrent"/>; one we cannot parse raises <see cref="MetainfoException"/>.
    /// </summary>
    Task<EngineOutcome> AddAsync(TorrentAddRequest request, CancellationToken cancellationToken = default);

    /// <summary>Stops transferring (no announce, no peers). Hashes the daemon does not hold are skipped.</summary>
    Task PauseAsync(IReadOnlyCollection<InfoHash> torrents, CancellationToken cancellationToken = default);

    /// <summary>Starts transferring again (sends a fresh announce). Hashes the daemon does not hold are skipped.</summary>
    Task ResumeAsync(IReadOnlyCollection<InfoHash> torrents, CancellationToken cancellationToken = default);

    /// <summary>Hashes the data on disk again. Hashes the daemon does not hold are skipped.</summary>
    Task RecheckAsync(IReadOnlyCollection<InfoHash> torrents, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes a torrent out of the daemon. Its files stay on disk unless <paramref name="deleteFiles"/> is true:
    /// our data is never deleted by accident. <see cref="EngineOutcome.UnknownTorrent"/> when it was not held.
    /// </summary>
    Task<EngineOutcome> RemoveAsync(InfoHash torrent, bool deleteFiles, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets the priority of some files (indexes in metainfo order); <see cref="FilePriority.Skip"/> leaves a
    /// file undownloaded (selective download). <see cref="EngineOutcome.UnknownTorrent"/> when it is not held.
    /// </summary>
    Task<EngineOutcome> SetFilePriorityAsync(InfoHash torrent, IReadOnlyCollection<int> fileIndexes, FilePriority priority, CancellationToken cancellationToken = default);

    /// <summary>One torrent's current state asked for directly (not through polling); null when it is not held.</summary>
    Task<EngineTorrent?> GetTorrentAsync(InfoHash torrent, CancellationToken cancellationToken = default);

    /// <summary>Per-file progress and priority in metainfo order; null when the torrent is not held.</summary>
    Task<IReadOnlyList<EngineFile>?> GetFilesAsync(InfoHash torrent, CancellationToken cancellationToken = default);

    /// <summary>The torrent's trackers and what each last said; null when the torrent is not held.</summary>
    Task<IReadOnlyList<EngineTracker>?> GetTrackersAsync(InfoHash torrent, CancellationToken cancellationToken = default);

    /// <summary>Global transfer rates and totals of the daemon.</summary>
    Task<EngineTransfer> GetTransferAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// What changed since the previous poll (the first poll, or the first after the daemon restarted, returns
    /// everything with <see cref="EngineChanges.FullUpdate"/> set). The engine merges the daemon's partial updates,
    /// so every torrent in <see cref="EngineChanges.Changed"/> carries its whole current state. Meant for one
    /// poller (concurrent polls are serialized, and each sees only the changes since the one before).
    /// </summary>
    Task<EngineChanges> PollAsync(CancellationToken cancellationToken = default);
}
