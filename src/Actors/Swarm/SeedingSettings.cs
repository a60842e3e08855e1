namespace LibraryCluster.Actors.Swarm;

/// <summary>How the node keeps its BitTorrent daemon in step with its replicas.</summary>
public sealed record SeedingSettings
{
    /// <summary>How often the daemon is asked what changed (an incremental poll); replica changes start a pass at once.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Where the node keeps registered .torrent files (the daemon is given these bytes).</summary>
    public required string TorrentsDirectory { get; init; }

    /// <summary>Fill copies with no data, or with damage, from the public swarm through the daemon.</summary>
    public bool FetchFromSwarm { get; init; }

    /// <summary>How long a copy waits for a nearer source (a cluster peer) before the swarm is asked.</summary>
    public TimeSpan SwarmFetchAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The node's volume folders: a torrent the daemon holds under one of them is ours to manage.</summary>
    public required IReadOnlyCollection<string> VolumeRoots { get; init; }
}
