namespace LibraryCluster.Actors.Swarm;

/// <summary>How the node keeps its BitTorrent daemon in step with its replicas.</summary>
public sealed record SeedingSettings
{
    /// <summary>How often the daemon is asked what changed (an incremental poll); replica changes start a pass at once.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Fill copies with no data, or with damage, from the public swarm through the daemon.</summary>
    public bool FetchFromSwarm { get; init; }

    /// <summary>How long a copy waits for a nearer source (a cluster peer) before the swarm is asked.</summary>
    public TimeSpan SwarmFetchAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A download of a file not held here has the daemon fetch just that file (see <see cref="OnDemandFetches"/>).</summary>
    public bool FetchOnDemand { get; init; }
}
