namespace LibraryCluster.Torrents.Engines;

/// <summary>What to add: the .torrent's bytes and where its data lives (or goes).</summary>
public sealed record TorrentAddRequest
{
    /// <summary>The .torrent file as stored; its info-hash names the torrent from then on.</summary>
    public required ReadOnlyMemory<byte> Metainfo { get; init; }

    /// <summary>The folder that holds the torrent's root (as a client's save path): a folder on the replica's volume.</summary>
    public required string SavePath { get; init; }

    /// <summary>Seed at once without hashing: only for data we verified ourselves.</summary>
    public bool SkipChecking { get; init; }

    /// <summary>Add without starting (no announce, no transfer) until resumed.</summary>
    public bool Paused { get; init; }

    /// <summary>
    /// Only these files (indexes in metainfo order) are downloaded; null is all. The torrent is added paused,
    /// the other files set to <see cref="FilePriority.Skip"/>, then started unless <see cref="Paused"/>.
    /// </summary>
    public IReadOnlyCollection<int>? WantedFiles { get; init; }
}
