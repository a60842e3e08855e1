namespace LibraryCluster.Torrents.Engines;

/// <summary>One tracker of a torrent and what it last said to the daemon.</summary>
public sealed record EngineTracker
{
    public required string Url { get; init; }

    public TrackerStatus Status { get; init; }

    /// <summary>Seeds, leechers and completed downloads it reported; -1 when it has not said.</summary>
    public int Seeds { get; init; } = -1;

    public int Leechers { get; init; } = -1;

    public int Downloaded { get; init; } = -1;

    /// <summary>Its last message (a failure reason or a warning), empty when none.</summary>
    public string Message { get; init; } = string.Empty;
}
