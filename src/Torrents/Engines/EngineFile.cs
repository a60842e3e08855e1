namespace LibraryCluster.Torrents.Engines;

/// <summary>One file of a torrent in the daemon, in metainfo order.</summary>
public sealed record EngineFile
{
    /// <summary>Index in metainfo order (the one <see cref="ITorrentEngine.SetFilePriorityAsync"/> takes).</summary>
    public required int Index { get; init; }

    /// <summary>Path inside the save path, '/' separated, with the torrent's root folder for multi-file torrents.</summary>
    public required string Path { get; init; }

    public long Size { get; init; }

    /// <summary>Fraction present and verified, 0 to 1.</summary>
    public double Progress { get; init; }

    public FilePriority Priority { get; init; }

    /// <summary>The pieces that hold any byte of the file (inclusive), as the daemon reports them.</summary>
    public int FirstPiece { get; init; }

    public int LastPiece { get; init; }

    public bool IsComplete => Progress >= 1;
}
