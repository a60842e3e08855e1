namespace LibraryCluster.Torrents.Engines.QBittorrent;

/// <summary>Where a qBittorrent WebUI answers and how to log in to it.</summary>
public sealed record QBittorrentConnection
{
    /// <summary>The WebUI's base address, e.g. http://127.0.0.1:8081/.</summary>
    public required Uri WebUiUrl { get; init; }

    /// <summary>
    /// Login for a daemon that asks for one; none for a daemon with WebUI\LocalHostAuth=false reached on
    /// loopback (the daemons the node runs). qBittorrent 4.5.2's default is admin / adminadmin.
    /// </summary>
    public string? Username { get; init; }

    /// <summary>A secret: never logged.</summary>
    public string? Password { get; init; }

    /// <summary>Longest wait for one API call.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
