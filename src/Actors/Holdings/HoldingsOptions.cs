namespace LibraryCluster.Actors.Holdings;

/// <summary>The inputs of a holdings plan besides the torrents.</summary>
public sealed record HoldingsOptions
{
    /// <summary>Bytes in a TB: decimal, as disks and Anna's Archive's generator count.</summary>
    public const long Terabyte = 1_000_000_000_000;

    /// <summary>How many bytes the cluster may fill with torrents' data.</summary>
    public required long MaxBytes { get; init; }

    /// <summary>The time scrape ages are measured from.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>Counts older than this are not trusted (shown, but the torrent is treated as of unknown swarm).</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Where torrents of unknown swarm go.</summary>
    public UnknownSwarms Unknown { get; init; } = UnknownSwarms.Last;

    /// <summary>How much a leecher counts against a seeder: 0.1, as in Anna's Archive's generator.</summary>
    public double LeecherWeight { get; init; } = 0.1;
}
