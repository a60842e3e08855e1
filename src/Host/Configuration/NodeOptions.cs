namespace LibraryCluster.Host.Configuration;

/// <summary>
/// The node's settings, section "Node" of appsettings.json, environment (Node__DataDirectory…) or the
/// command line (--data-dir, --admin-token, --demo, or --Node:Setting=value). Every one has a default,
/// so a node started with none runs on SQLite with one volume under the data directory.
/// </summary>
public sealed class NodeOptions
{
    public const string Section = "Node";

    /// <summary>Holds the catalogue, the node store, registered .torrent files and, by default, the one volume.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Disks to keep torrents on; empty means one volume at DataDirectory/volumes/default.</summary>
    public List<VolumeSettings> Volumes { get; set; } = [];

    /// <summary>
    /// A folder of settings as files, one per key (e.g. Cluster__Zone), read at start over appsettings.json and
    /// the environment (the command line still wins); see NodeApplication.SettingsDirectoryKey. None by default.
    /// </summary>
    public string? SettingsDirectory { get; set; }

    /// <summary>Bearer token for /api/admin and the dashboard; none disables them.</summary>
    public string? AdminToken { get; set; }

    /// <summary>Fill an empty data directory with a generated sample collection and import it.</summary>
    public bool Demo { get; set; }

    /// <summary>Time between full checks of a replica's data.</summary>
    public TimeSpan ScrubInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Read-rate cap for scrubs in MB/s (10^6 bytes), so that they never starve serving; 0 is unlimited.</summary>
    public double ScrubMegabytesPerSecond { get; set; } = 50;

    /// <summary>
    /// Downloads that do their work at once (lookup, check, first chunk); the rest wait in line, oldest first.
    /// 0 means twice the processor count, at least 4.
    /// </summary>
    public int DownloadsAtOnce { get; set; }

    /// <summary><see cref="DownloadsAtOnce"/> with 0 resolved.</summary>
    public int EffectiveDownloadsAtOnce => DownloadsAtOnce > 0 ? DownloadsAtOnce : Math.Max(4, 2 * Environment.ProcessorCount);

    /// <summary>How often each volume is probed (canary write, fsync, read back).</summary>
    public TimeSpan VolumeProbeInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>.torrent files dropped here are registered, placed and adopted; default DataDirectory/watch.</summary>
    public string? WatchDirectory { get; set; }

    /// <summary>Which torrents this node accepts, by name prefix: r_ (scitech), f_ (fiction), sm_ (scimag). Empty is all.</summary>
    public List<string> Collections { get; set; } = [];

    /// <summary>Which torrents this node accepts, by exact name (r_1000). Empty is every torrent of the collections above.</summary>
    public List<string> Torrents { get; set; } = [];

    public string CatalogPath => Path.Join(DataDirectory, "catalog.db");

    public string NodeStorePath => Path.Join(DataDirectory, "node.db");

    public string TorrentsDirectory => Path.Join(DataDirectory, "torrents");

    public string EffectiveWatchDirectory => WatchDirectory ?? Path.Join(DataDirectory, "watch");

    /// <summary>The configured volumes; without any, one under the data directory (two for the demo, to show placement).</summary>
    public IReadOnlyList<VolumeSettings> EffectiveVolumes =>
        Volumes.Count > 0 ? Volumes
        : Demo ? [VolumeUnderData("a"), VolumeUnderData("b")]
        : [VolumeUnderData("default")];

    private VolumeSettings VolumeUnderData(string id) => new() { Id = id, Path = Path.Join(DataDirectory, "volumes", id) };

    /// <summary>Whether this node takes a torrent, by the collections and names it is configured for.</summary>
    public bool Accepts(string torrent) =>
        (Torrents.Count == 0 || Torrents.Contains(torrent, StringComparer.Ordinal))
        && (Collections.Count == 0 || Collections.Any(c => torrent.StartsWith(c, StringComparison.Ordinal)));
}

/// <summary>One disk: an id that names it in the journal and dashboard, its mount path, an optional cap.</summary>
public sealed class VolumeSettings
{
    public string Id { get; set; } = string.Empty;

    public string Path { get; set; } = string.Empty;

    /// <summary>Most this node may fill on the volume, in GB (10^9 bytes); none is the disk's free space.</summary>
    public double? CapacityGigabytes { get; set; }
}
