namespace LibraryCluster.Torrents.Engines;

/// <summary>Whether a daemon answers, and what it is.</summary>
public sealed record EngineHealth
{
    public required bool Answering { get; init; }

    /// <summary>The daemon's version (qBittorrent: v4.5.2) and API version (2.8.19); empty when it does not answer.</summary>
    public string Version { get; init; } = string.Empty;

    public string ApiVersion { get; init; } = string.Empty;

    /// <summary>Why it does not answer, for an operator; empty when it does.</summary>
    public string Problem { get; init; } = string.Empty;
}
