namespace LibraryCluster.Torrents.Engines.QBittorrent;

/// <summary>
/// How the daemon talks to peers (qBittorrent's <c>Session\BTProtocol</c>). With both, libtorrent dials uTP first; its
/// uTP moves about 4 MB/s between two daemons on loopback where TCP moves over 100 MB/s (docs/benchmarks.md).
/// </summary>
public enum PeerProtocol
{
    /// <summary>TCP and uTP (qBittorrent's default): uTP first when dialing, both accepted.</summary>
    Both,

    /// <summary>TCP only.</summary>
    Tcp,

    /// <summary>uTP only.</summary>
    Utp,
}
