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
}
