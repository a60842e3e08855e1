namespace LibraryCluster.Actors.Swarm;

/// <summary>How the node keeps its BitTorrent daemon in step with its replicas.</summary>
public sealed record SeedingSettings
{
    /// <summary>How often the daemon is asked what changed (an incremental poll); replica changes start a pass at once.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The most of the daemon's time our polls may take: after a poll that took t, no pass starts for t × (1 − share) / share
    /// (9 t at the default of 0.1), whatever <see cref="PollInterval"/> says and however many replica changes ask for one.
    /// qBittorrent answers an incremental poll in time proportional to all the torrents it holds (1–2.5 s for 10,000 on
    /// two cores, however few changed), so a node seeding that many polls every 10–25 s instead of every 2 s.
    /// </summary>
    public double DaemonPollShare { get; init; } = 0.1;

    /// <summary>Fill copies with no data, or with damage, from the public swarm through the daemon.</summary>
    public bool FetchFromSwarm { get; init; }

    /// <summary>How long a copy waits for a nearer source (a cluster peer) before the swarm is asked.</summary>
    public TimeSpan SwarmFetchAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A download of a file not held here has the daemon fetch just that file (see <see cref="OnDemandFetches"/>).</summary>
    public bool FetchOnDemand { get; init; }
}
