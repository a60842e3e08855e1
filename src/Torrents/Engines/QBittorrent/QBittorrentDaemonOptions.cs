namespace LibraryCluster.Torrents.Engines.QBittorrent;

/// <summary>How to run a qbittorrent-nox for the node (see docs/swarm.md for what each setting is written as).</summary>
public sealed record QBittorrentDaemonOptions
{
    /// <summary>The qbittorrent-nox binary; a bare name is looked up on PATH.</summary>
    public string ExecutablePath { get; init; } = "qbittorrent-nox";

    /// <summary>The daemon's --profile folder: its config, its torrent list (BT_backup) and its log.</summary>
    public required string ProfileDirectory { get; init; }

    /// <summary>The WebUI's port; it always listens on 127.0.0.1 only, without login.</summary>
    public required int WebUiPort { get; init; }

    /// <summary>The BitTorrent port peers connect to (TCP and uTP).</summary>
    public int ListenPort { get; init; } = 6881;

    /// <summary>The network interface for peers (e.g. eth0, lo); empty is every interface.</summary>
    public string ListenInterface { get; init; } = string.Empty;

    /// <summary>One address of that interface for peers (e.g. 127.0.0.1); empty is all of its addresses.</summary>
    public string ListenAddress { get; init; } = string.Empty;

    /// <summary>TCP, uTP or both to peers.</summary>
    public PeerProtocol PeerProtocol { get; init; } = PeerProtocol.Both;

    /// <summary>Peer discovery beyond trackers; all off by default (tests, private torrents).</summary>
    public bool Dht { get; init; }

    public bool PeerExchange { get; init; }

    public bool LocalPeerDiscovery { get; init; }

    /// <summary>Torrents hashed at once (qBittorrent's default of 1 checks about one torrent a second).</summary>
    public int CheckingSlots { get; init; } = 16;

    /// <summary>How often the daemon refreshes the state its API reports (its default is 1.5 s).</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest wait for the WebAPI to answer after a start.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait for a clean exit after app/shutdown, and again after SIGTERM, before it is killed.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Wait before the first restart after the daemon dies; doubled after each death in a row, up to <see cref="MaxRestartDelay"/>.</summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRestartDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often a running daemon's WebAPI is asked whether it answers (each ask waits up to <see cref="HealthCheckTimeout"/>).
    /// A daemon alive but silent for <see cref="SilentChecksBeforeRestart"/> asks in a row is hung: it is killed and restarted.
    /// The defaults allow about a minute, so a daemon merely busy (hashing thousands of torrents) is left alone.
    /// </summary>
    public TimeSpan HealthCheckInterval { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan HealthCheckTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public int SilentChecksBeforeRestart { get; init; } = 4;

    /// <summary>More (section, key, value) entries for qBittorrent.conf, written after ours (so they win); for tests and experts.</summary>
    public IReadOnlyList<(string Section, string Key, string Value)> AdditionalSettings { get; init; } = [];

    public Uri WebUiUrl => new($"http://127.0.0.1:{WebUiPort}/");

    /// <summary>Where qbittorrent-nox reads its settings from: &lt;profile&gt;/qBittorrent/config/qBittorrent.conf.</summary>
    public string ConfigPath => Path.Join(ProfileDirectory, "qBittorrent", "config", "qBittorrent.conf");

    /// <summary>The daemon's own log: &lt;profile&gt;/qBittorrent/data/logs/qbittorrent.log.</summary>
    public string LogPath => Path.Join(ProfileDirectory, "qBittorrent", "data", "logs", "qbittorrent.log");
}
