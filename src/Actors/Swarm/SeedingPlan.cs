using LibraryCluster.Torrents.Engines;
using LibraryCluster.Torrents.Metainfo;

namespace LibraryCluster.Actors.Swarm;

/// <summary>What one seeding pass changes in the daemon so that it seeds exactly the replicas that are intact here.</summary>
public sealed record SeedingPlan
{
    /// <summary>Intact replicas the daemon does not have yet: added without hashing (we verified them), running.</summary>
    public IReadOnlyList<SeedingAdd> Add { get; init; } = [];

    /// <summary>Intact replicas the daemon holds paused.</summary>
    public IReadOnlyList<InfoHash> Resume { get; init; } = [];

    /// <summary>Replicas that are not intact (being verified, damaged, being fetched by us): no longer offered.</summary>
    public IReadOnlyList<InfoHash> Pause { get; init; } = [];

    /// <summary>Torrents of ours the daemon should drop (retiring, lost, gone, or moved to another volume); files kept.</summary>
    public IReadOnlyList<SeedingRemoval> Remove { get; init; } = [];

    /// <summary>
    /// Copies nobody nearer could supply, filled from the public swarm: added so that the daemon hashes what is
    /// there and downloads the rest (an entry it already had is replaced, so that it checks afresh).
    /// </summary>
    public IReadOnlyList<SeedingAdd> Fetch { get; init; } = [];

    /// <summary>Swarm fetches under way and how far they have got.</summary>
    public IReadOnlyList<(string Torrent, double Share)> Progress { get; init; } = [];

    /// <summary>Swarm fetches the daemon has completed: the replica verifies the data before anything is served.</summary>
    public IReadOnlyList<string> Verify { get; init; } = [];

    /// <summary>Intact replicas the daemon finds fault with (missing files, an error): also in <see cref="Remove"/>, and our data is checked again.</summary>
    public IReadOnlyList<SeedingTrouble> Trouble { get; init; } = [];

    public bool IsEmpty => Add.Count == 0 && Resume.Count == 0 && Pause.Count == 0 && Remove.Count == 0 && Trouble.Count == 0
        && Fetch.Count == 0 && Progress.Count == 0 && Verify.Count == 0;
}

/// <summary>A replica to add to the daemon: its name, where its data is, the .torrent file.</summary>
public sealed record SeedingAdd(string Torrent, InfoHash Hash, string SavePath);

/// <summary>A torrent to take out of the daemon, and why (for the log).</summary>
public sealed record SeedingRemoval(InfoHash Hash, string Reason);

/// <summary>A seeded replica the daemon reports trouble with.</summary>
public sealed record SeedingTrouble(string Torrent, string Detail);
