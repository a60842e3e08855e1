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

    /// <summary>
    /// What kind of failure <see cref="Problem"/> is; null when it answers. <see cref="EngineErrorKind.NotAuthorized"/>
    /// and <see cref="EngineErrorKind.Banned"/> mean the daemon is up but refuses us.
    /// </summary>
    public EngineErrorKind? Error { get; init; }

    /// <summary>The daemon's WebAPI is up, whether or not it accepts us.</summary>
    public bool IsUp => Answering || Error is EngineErrorKind.NotAuthorized or EngineErrorKind.Banned;
}
