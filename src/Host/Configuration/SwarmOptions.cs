using LibraryCluster.Torrents.Engines.QBittorrent;

namespace LibraryCluster.Host.Configuration;

/// <summary>
/// Section "Swarm": the BitTorrent daemon the node seeds and fetches through. Set <see cref="DaemonPath"/> to have
/// the node run qbittorrent-nox itself, or <see cref="WebUiUrl"/> to use one already running; with neither the
/// node works as before and says that it is not seeding. See docs/swarm.md.
/// </summary>
public sealed class SwarmOptions
{
    public const string Section = "Swarm";

    /// <summary>qbittorrent-nox for the node to run (e.g. /usr/bin/qbittorrent-nox, or a name on PATH).</summary>
    public string? DaemonPath { get; set; }

    /// <summary>The WebUI of a qBittorrent already running (e.g. http://127.0.0.1:8081/), instead of running one.</summary>
    public string? WebUiUrl { get; set; }

    /// <summary>Login for that WebUI, if it asks for one.</summary>
    public string? Username { get; set; }

    /// <summary>A secret: never logged.</summary>
    public string? Password { get; set; }

    /// <summary>The daemon's profile (config, torrent list, log); default DataDirectory/qbittorrent.</summary>
    public string? ProfileDirectory { get; set; }

    /// <summary>Port of the daemon's WebUI the node runs, on 127.0.0.1 only.</summary>
    public int WebUiPort { get; set; } = 8081;

    /// <summary>The BitTorrent port peers connect to.</summary>
    public int ListenPort { get; set; } = 6881;

    /// <summary>Network interface for peers (eth0); empty is every interface.</summary>
    public string ListenInterface { get; set; } = string.Empty;

    /// <summary>One address of that interface for peers; empty is all of them.</summary>
    public string ListenAddress { get; set; } = string.Empty;

    /// <summary>TCP, uTP or both to peers (Both, qBittorrent's default; Tcp moves far more between peers on a LAN, see docs/swarm.md).</summary>
    public PeerProtocol PeerProtocol { get; set; } = PeerProtocol.Both;

    /// <summary>Find peers through the DHT and peer exchange as well as trackers (LibGen's torrents are public).</summary>
    public bool Dht { get; set; } = true;

    public bool PeerExchange { get; set; } = true;

    /// <summary>Local peer discovery (multicast on the LAN).</summary>
    public bool LocalPeerDiscovery { get; set; }

    /// <summary>Torrents the daemon hashes at once.</summary>
    public int CheckingSlots { get; set; } = 16;

    /// <summary>How often the daemon refreshes the state its API reports.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Fill copies that have no data, or damage, from the public swarm when no cluster peer did.</summary>
    public bool FetchMissing { get; set; }

    /// <summary>How long a copy waits for a cluster peer before the swarm is asked.</summary>
    public TimeSpan FetchMissingAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A download of a file this node does not hold (its torrent registered here, but not held whole) has the daemon
    /// fetch just that file and the files sharing its pieces; the node verifies it, serves it and keeps it. Meanwhile
    /// the person sees the fetch's progress.
    /// </summary>
    public bool FetchOnDemand { get; set; }

    /// <summary>
    /// How often the node asks the trackers of every torrent it holds for seeder counts (stored in its database,
    /// shown on the dashboard, read by the holdings policy); zero turns scraping off. Needs no daemon.
    /// </summary>
    public TimeSpan ScrapeInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How often the node asks the daemon what changed (replica changes start a pass at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    public bool RunsDaemon => !string.IsNullOrWhiteSpace(DaemonPath);

    public bool Enabled => RunsDaemon || !string.IsNullOrWhiteSpace(WebUiUrl);

    public string EffectiveProfileDirectory(NodeOptions node) => ProfileDirectory ?? Path.Join(node.DataDirectory, "qbittorrent");
}
