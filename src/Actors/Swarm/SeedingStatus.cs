namespace LibraryCluster.Actors.Swarm;

/// <summary>Where seeding stands, for the dashboard, /readyz and metrics; published after every pass.</summary>
public sealed record SeedingStatus
{
    /// <summary>The daemon, e.g. "qBittorrent at http://127.0.0.1:8081/"; null when none is configured.</summary>
    public string? Engine { get; init; }

    /// <summary>Whether the last pass reached the daemon.</summary>
    public bool Reachable { get; init; }

    /// <summary>Torrents the daemon offers to peers, and torrents of ours it holds paused.</summary>
    public int Seeding { get; init; }

    public int Paused { get; init; }

    /// <summary>Upload rate over all torrents, bytes per second, as of the last pass.</summary>
    public long UploadBytesPerSecond { get; init; }

    /// <summary>What went wrong in the last pass, if anything.</summary>
    public string? Problem { get; init; }

    public DateTimeOffset? LastPass { get; init; }

    /// <summary>How long the daemon took to answer the last pass's poll; the next pass waits in proportion (see <see cref="SeedingSettings.DaemonPollShare"/>).</summary>
    public TimeSpan? PollDuration { get; init; }

    /// <summary>No daemon configured: the node serves and heals, but seeds nothing.</summary>
    public static SeedingStatus NotConfigured { get; } = new() { Problem = "no BitTorrent daemon is configured, so this node is not seeding" };
}
